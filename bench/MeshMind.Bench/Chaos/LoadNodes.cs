using MeshMind.Bench.Llm;
using MeshMind.FakeOllama;

namespace MeshMind.Bench.Chaos;

/// <summary>
/// Node H (a real process whose LLM is the fixture) and node T (a real process, no LLM, H as its static peer), with T's
/// catalog listing the model on H; each part of <c>chaos load</c> starts its own pair, so one part's heap and pools are
/// not the next part's baseline.
/// </summary>
internal sealed class LoadNodes : IAsyncDisposable
{
    private LoadNodes(BenchNode host, BenchNode delegator)
    {
        Host = host;
        Delegator = delegator;
    }

    public BenchNode Host { get; }

    public BenchNode Delegator { get; }

    public static async Task<LoadNodes> StartAsync(FakeOllamaServer fixture, string model, CancellationToken cancellationToken)
    {
        var host = await BenchNode.StartAsync("h", fixture.BaseAddress.ToString(), [], cancellationToken);
        try
        {
            var delegator = await BenchNode.StartAsync("t", "http://127.0.0.1:9", ["--peer", $"127.0.0.1:{host.MeshPort}"], cancellationToken);
            var nodes = new LoadNodes(host, delegator);
            try
            {
                await delegator.UntilServedByAsync(host.NodeId, model, cancellationToken);
            }
            catch
            {
                await nodes.DisposeAsync();
                throw;
            }

            Console.WriteLine($"fixture {fixture.BaseAddress}, node H {host.Http.BaseAddress} (mesh port {host.MeshPort}), node T {delegator.Http.BaseAddress} " +
                $"(no LLM, static peer H; mesh port {delegator.MeshPort})");
            return nodes;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Delegator.DisposeAsync();
        await Host.DisposeAsync();
    }
}
