using System.Globalization;
using MeshMind.Mesh.Admission;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind secret rotate [--url URL]</c>: asks a running node to rotate the mesh secret (<c>POST /api/mesh/secret/rotate</c>): the
/// new one goes to every linked peer, and the old one is accepted until the grace period ends.
/// </summary>
internal static class SecretCommand
{
    /// <returns>0 once rotated; 2 when not (the reason is written to <see cref="NodeLaunch.Error"/>).</returns>
    public static async Task<int> RotateAsync(NodeLaunch launch, string? url, string? apiKey, CancellationToken cancellationToken)
    {
        var (client, error) = NodeApiClient.Create(launch, url, apiKey);
        if (client is null)
        {
            return await InviteCommand.FailAsync(launch, error!);
        }

        using (client)
        {
            HttpResponseMessage response;
            try
            {
                response = await client.PostAsync("/api/mesh/secret/rotate", content: null, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                return await InviteCommand.FailAsync(launch, NodeApiClient.Unreachable(client, ex));
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    return await InviteCommand.FailAsync(launch, await NodeApiClient.DescribeAsync(client, response, cancellationToken));
                }

                var rotated = await response.Content.ReadFromJsonAsync(SecretApiJsonContext.Default.SecretRotationResponse, cancellationToken);
                var until = rotated?.PreviousAcceptedUntil.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "?";
                await launch.Output.WriteLineAsync($"meshmind: the mesh secret is rotated and was sent to {rotated?.PeersSent ?? 0} linked peer(s). "
                    + $"The old secret is accepted until {until}; nodes that did not receive the new one are out after that (invite them again).");
                return 0;
            }
        }
    }
}
