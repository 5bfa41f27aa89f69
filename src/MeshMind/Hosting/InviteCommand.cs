using System.Globalization;
using MeshMind.Mesh.Invites;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind invite [--url URL]</c>: asks a running node for a single-use invite code (<c>POST /api/invites</c>) and prints it as the
/// last line, for <c>meshmind join CODE</c> on the new device (or its Network screen).
/// </summary>
internal static class InviteCommand
{
    /// <returns>0 with the code printed; 2 when there is none (the reason is written to <see cref="NodeLaunch.Error"/>).</returns>
    public static async Task<int> RunAsync(NodeLaunch launch, string? url, string? apiKey, CancellationToken cancellationToken)
    {
        var (client, error) = NodeApiClient.Create(launch, url, apiKey);
        if (client is null)
        {
            return await FailAsync(launch, error!);
        }

        using (client)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.PostAsync("/api/invites", content: null, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                return await FailAsync(launch, NodeApiClient.Unreachable(client, ex));
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    return await FailAsync(launch, await NodeApiClient.DescribeAsync(client, response, cancellationToken));
                }

                var invite = await response.Content.ReadFromJsonAsync(InviteJsonContext.Default.CreatedInviteResponse, cancellationToken);
                if (invite is null)
                {
                    return await FailAsync(launch, $"the node at {client.BaseAddress} sent no invite");
                }

                var until = invite.ExpiresAt.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);
                await launch.Output.WriteLineAsync($"meshmind: invite code, valid once until {until}. On the new device run `meshmind join CODE` "
                    + "(or paste it under Join a mesh on its Network screen):");
                await launch.Output.WriteLineAsync(invite.Code);
                return 0;
            }
        }
    }

    internal static async Task<int> FailAsync(NodeLaunch launch, string message)
    {
        await launch.Error.WriteLineAsync("meshmind: error: " + message);
        return 2;
    }
}
