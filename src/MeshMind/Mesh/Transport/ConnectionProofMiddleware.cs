using System.Buffers;
using System.IO.Pipelines;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Node;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Connection middleware between TLS and HTTP on the mesh port: reads the client's <see cref="ConnectionProof"/>, answers it,
/// and hands the connection to HTTP only once the client has proven a secret this node accepts now. So a certificate pinned
/// under a secret that has since been dropped is served nothing, whichever endpoint it asks for (DESIGN §10). A new device with
/// no secret yet opens with an invite's token instead (<see cref="InviteOpening"/>), and may then only redeem that invite
/// (<see cref="PeerAdmission"/>). The gate's admission deadline (<see cref="MeshConnectionGate"/>) bounds the wait for either.
/// </summary>
internal static class ConnectionProofMiddleware
{
    public static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, Admitter admitter, Lazy<InviteService> invites)
    {
        var feature = connection.Features.Get<MeshConnectionFeature>()!;
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        byte[] answer;
        var accepted = false;
        try
        {
            switch (await ReadOpeningAsync(connection.Transport.Input, connection.ConnectionClosed))
            {
                case ConnectionHello hello:
                    (answer, accepted) = admitter.AnswerConnection(hello, certificate, feature.Remote);
                    if (accepted)
                    {
                        feature.MarkSecretProven(hello, NodeIdentity.ComputeNodeId(certificate!));
                    }

                    break;
                case byte[] token:
                    (answer, var tokenHash) = await invites.Value.AnswerOpeningAsync(token, certificate, feature.Remote, connection.ConnectionClosed);
                    if (tokenHash is not null)
                    {
                        feature.MarkInvited(tokenHash);
                        accepted = true;
                    }

                    break;
                default:
                    return; // closed before a whole opening arrived
            }
        }
        catch (InvalidDataException)
        {
            answer = admitter.RefuseMalformedConnection(feature.Remote);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            return; // aborted at the admission deadline, or the client went away
        }

        try
        {
            await connection.Transport.Output.WriteAsync(answer, connection.ConnectionClosed);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionAbortedException)
        {
            return;
        }

        if (accepted)
        {
            await next(connection);
        }
    }

    /// <summary>
    /// The client's opening: a <see cref="ConnectionHello"/>, or an invite's token; null when the connection ended first. Bytes
    /// after it stay in the pipe for HTTP.
    /// </summary>
    private static async Task<object?> ReadOpeningAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var parsed = false;
            try
            {
                if (TryParse(ref buffer, out var opening))
                {
                    parsed = true;
                    return opening;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return null;
                }
            }
            finally
            {
                // An opening consumed exactly; otherwise all of it examined, so the next read waits for more.
                if (parsed)
                {
                    input.AdvanceTo(buffer.Start);
                }
                else
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
    }

    private static bool TryParse(ref ReadOnlySequence<byte> buffer, out object? opening)
    {
        opening = null;
        Span<byte> magic = stackalloc byte[4];
        if (buffer.Length < magic.Length)
        {
            return false;
        }

        buffer.Slice(0, magic.Length).CopyTo(magic);
        if (magic.SequenceEqual(InviteOpening.Magic))
        {
            var invited = InviteOpening.TryParseHello(ref buffer, out var token);
            opening = token;
            return invited;
        }

        // Anything else must be a connection proof (which refuses what it is not).
        var proven = ConnectionProof.TryParseHello(ref buffer, out var hello);
        opening = hello;
        return proven;
    }
}
