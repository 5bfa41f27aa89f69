using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MeshMind.Infrastructure;
using MeshMind.Mesh.Transport;
using MeshMind.Node;

namespace MeshMind.Mesh.Invites;

/// <summary>
/// The new device's side of an invite: tries the code's addresses in turn, and at each checks in TLS that the node there has the
/// code's certificate (its SHA-256 is the node id in the code) before anything is sent; only then shows the token
/// (<see cref="InviteOpening"/>) and redeems the invite, receiving the mesh secret inside that mutually authenticated channel.
/// </summary>
/// <remarks>Used by <c>meshmind join</c> (a node not yet running) and by a running node asked to join (<see cref="MeshJoin"/>).</remarks>
internal sealed class InviteRedeemer(NodeIdentity identity)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>How often one address is tried when the connection is reset or closed before the answer.</summary>
    public const int AttemptsAfterReset = 3;

    /// <exception cref="InviteFailedException">No address reached the inviting node, or it refused (used, expired…).</exception>
    public async Task<RedeemedInvite> RedeemAsync(InviteCode code, string name, CancellationToken cancellationToken)
    {
        if (code.NodeId == identity.NodeId)
        {
            throw new InviteFailedException("this invite was made by this node itself; use it on the device that should join");
        }

        var problems = new List<string>();
        foreach (var address in code.Addresses)
        {
            var endpoint = new IPEndPoint(address, code.MeshPort);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await RedeemAtAsync(endpoint, code, name, cancellationToken);
                }
                catch (InviteFailedException ex) when (ex.Refusal is null && ex.Reset && attempt < AttemptsAfterReset)
                {
                    // The node there closed the connection under us: its admission deadline passed on a busy machine, or it
                    // restarted. A used token answers "already used" on the next try, so trying again is safe.
                }
                catch (InviteFailedException ex) when (ex.Refusal is null)
                {
                    problems.Add($"{endpoint}: {ex.Message}");
                    break;
                }
            }
        }

        throw new InviteFailedException("could not redeem the invite: " + string.Join("; ", problems));
    }

    private async Task<RedeemedInvite> RedeemAtAsync(IPEndPoint endpoint, InviteCode code, string name, CancellationToken cancellationToken)
    {
        string? presented = null;
        var handler = MeshClientHandler.Create(identity, (stream, token) => OpenAsync(stream, code.Token, token), serverNodeId =>
        {
            presented = serverNodeId;
            return serverNodeId == code.NodeId;
        });
        handler.ConnectTimeout = ConnectTimeout;
        using var http = new HttpClient(handler) { Timeout = RequestTimeout };
        try
        {
            var uri = new UriBuilder(Uri.UriSchemeHttps, endpoint.Address.ToString(), endpoint.Port, "/mesh/invite").Uri;
            using var response = await http.PostAsJsonAsync(uri, new InviteRedeemRequest(name), InviteJsonContext.Default.InviteRedeemRequest, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Gone)
            {
                // Used up or expired between the opening and the redemption (another device was quicker).
                var error = await response.Content.ReadFromJsonAsync(InfrastructureJsonContext.Default.ErrorResponse, cancellationToken);
                throw new InviteFailedException(error?.Error ?? "this invite was already used", InviteStatus.Used);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InviteFailedException($"the inviting node answered {(int)response.StatusCode}");
            }

            var redemption = await response.Content.ReadFromJsonAsync(InviteJsonContext.Default.InviteRedemption, cancellationToken);
            if (redemption is null || redemption.NodeId != code.NodeId || redemption.Secret.Length < MeshOptions.MinimumSecretLength
                || redemption.Secret.Any(char.IsControl) || string.IsNullOrWhiteSpace(redemption.Secret) || redemption.MeshPort is < 1 or > 65535)
            {
                throw new InviteFailedException("the inviting node's answer is not a redeemed invite");
            }

            var inviter = redemption.Name.Length <= 64 ? redemption.Name : redemption.Name[..64];
            return new RedeemedInvite(redemption.NodeId, inviter, new IPEndPoint(endpoint.Address, redemption.MeshPort), redemption.Secret.Trim(),
                DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, redemption.SecretSince)));
        }
        catch (HttpRequestException ex) when (Find<InviteFailedException>(ex) is { } refused)
        {
            throw refused;
        }
        catch (HttpRequestException) when (presented is not null && presented != code.NodeId)
        {
            throw new InviteFailedException($"the node there is not the one that made the invite (its certificate is {presented[..12]}…, "
                + $"the invite's is {code.NodeId[..12]}…); nothing was sent to it", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException or AuthenticationException or InvalidDataException
            or System.Text.Json.JsonException)
        {
            var socket = Find<SocketException>(ex);
            var reset = socket?.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted
                || (socket is null && Find<IOException>(ex) is not null && Find<AuthenticationException>(ex) is null);
            throw new InviteFailedException(socket?.Message ?? ex.Message) { Reset = reset };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InviteFailedException($"no answer within {RequestTimeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Shows the token on a fresh TLS connection to the inviting node and reads its answer.</summary>
    private static async Task OpenAsync(SslStream stream, byte[] token, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(InviteOpening.Hello(token), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        var answer = new byte[InviteOpening.AnswerLength];
        try
        {
            await stream.ReadExactlyAsync(answer, cancellationToken);
        }
        catch (EndOfStreamException)
        {
            throw new InviteFailedException("the inviting node closed the connection before answering") { Reset = true };
        }

        var status = InviteOpening.ParseAnswer(answer);
        if (status != InviteStatus.Accepted)
        {
            throw new InviteFailedException(InviteOpening.Describe(status), status);
        }
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }
}
