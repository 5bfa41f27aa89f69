using System.IO.Pipelines;
using MeshMind.Mesh.Admission;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace MeshMind.Mesh.Transport;

/// <summary>
/// Connection middleware between TLS and HTTP on the mesh port: reads the client's <see cref="ConnectionProof"/>, answers it,
/// and hands the connection to HTTP only once the client has proven a secret this node accepts now. So a certificate pinned
/// under a secret that has since been dropped is served nothing, whichever endpoint it asks for (DESIGN §10). The gate's
/// admission deadline (<see cref="MeshConnectionGate"/>) bounds the wait for the proof.
/// </summary>
internal static class ConnectionProofMiddleware
{
    public static async Task RunAsync(ConnectionContext connection, ConnectionDelegate next, Admitter admitter)
    {
        var feature = connection.Features.Get<MeshConnectionFeature>()!;
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        byte[] answer;
        var accepted = false;
        try
        {
            if (await ReadHelloAsync(connection.Transport.Input, connection.ConnectionClosed) is { } hello)
            {
                (answer, accepted) = admitter.AnswerConnection(hello, certificate, feature.Remote);
            }
            else
            {
                return; // closed before a whole hello arrived
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
            feature.MarkSecretProven();
            await next(connection);
        }
    }

    /// <summary>The client's hello, or null when the connection ended first. Bytes after it stay in the pipe for HTTP.</summary>
    private static async Task<ConnectionHello?> ReadHelloAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var parsed = false;
            try
            {
                if (ConnectionProof.TryParseHello(ref buffer, out var hello))
                {
                    parsed = true;
                    return hello;
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    return null;
                }
            }
            finally
            {
                // A hello consumed exactly; otherwise all of it examined, so the next read waits for more.
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
}
