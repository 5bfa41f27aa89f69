using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MeshMind.Analytics;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;

namespace MeshMind.Bench.Analytics;

/// <summary>
/// <c>PerfMiddleware.InvokeAsync</c> in isolation: a trivial endpoint that sets 200 and writes a 200-byte body through the
/// response's <c>PipeWriter</c> (as <c>TypedResults.Json</c> does), called directly (<see cref="Endpoint"/>, the baseline) and
/// through the middleware (<see cref="Measured"/>), on one reused <see cref="DefaultHttpContext"/> whose route endpoint is
/// <c>/api/status</c> and whose response body goes to <see cref="Stream.Null"/>.
/// </summary>
[MemoryDiagnoser]
public class PerfMiddlewareBenchmarks : IDisposable
{
    private static readonly ReadOnlyMemory<byte> s_body = new byte[200];
    private readonly RequestDelegate _endpoint = WriteBodyAsync;
    private AnalyticsRecorder? _recorder;
    private ServiceProvider? _meters;
    private PerfMiddleware? _middleware;
    private DefaultHttpContext _context = new();

    /// <summary>Runs in this process, short run, with allocations; BenchmarkDotNet options may follow.</summary>
    public static int Run(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "meshmind-bench-artifacts"));
        var summary = BenchmarkRunner.Run<PerfMiddlewareBenchmarks>(config, args);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        _recorder = new AnalyticsRecorder(TimeProvider.System);
        _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _middleware = new PerfMiddleware(_endpoint, _recorder, new TrafficMetrics(_meters.GetRequiredService<IMeterFactory>()), TimeProvider.System);
        _context = new DefaultHttpContext();
        _context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _context.Request.Method = HttpMethods.Get;
        _context.Request.Path = "/api/status";
        _context.SetEndpoint(new RouteEndpoint(_endpoint, RoutePatternFactory.Parse("/api/status"), 0, EndpointMetadataCollection.Empty, "status"));
        Measured().GetAwaiter().GetResult();
        if (!_recorder.Pending().Any(r => r.Kind == Kinds.Http && r.Key == "GET /api/status"))
        {
            throw new InvalidOperationException("the middleware did not record GET /api/status");
        }
    }

    [Benchmark(Baseline = true)]
    public Task Endpoint() => _endpoint(_context);

    [Benchmark]
    public Task Measured() => _middleware!.InvokeAsync(_context);

    [GlobalCleanup]
    public void Dispose()
    {
        _meters?.Dispose();
        _meters = null;
        _recorder = null;
        GC.SuppressFinalize(this);
    }

    private static async Task WriteBodyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        await context.Response.BodyWriter.WriteAsync(s_body);
    }
}
