using MeshMind.Analytics;
using MeshMind.Auth;
using MeshMind.Conversations;
using MeshMind.Diagnostics;
using MeshMind.Diagnostics.ReachBack;
using MeshMind.Discovery;
using MeshMind.Evaluation;
using MeshMind.Files;
using MeshMind.Files.Api;
using MeshMind.Files.Peers;
using MeshMind.Hosting.Service;
using MeshMind.Infrastructure;
using MeshMind.Knowledge;
using MeshMind.Knowledge.Api;
using MeshMind.Knowledge.Peers;
using MeshMind.Llm;
using MeshMind.Llm.Models;
using MeshMind.Llm.Peers;
using MeshMind.Mesh;
using MeshMind.Mesh.Transport;
using MeshMind.Node;
using MeshMind.Overview;
using MeshMind.Preferences;
using MeshMind.Storage;
using MeshMind.Telemetry;
using MeshMind.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>Composes a node (the table of contents of MeshMind's features) and runs it.</summary>
internal static class NodeHost
{
    public static WebApplication Build(NodeLaunch launch)
    {
        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "meshmind",
            // Only for the builder's own defaults, which are cleared below: without it, they watch appsettings.json
            // (a file-watcher thread and its assembly) for the life of the node.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = launch.WorkingDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders()
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddTelemetryConsole(configuration).AddTelemetryFile(configuration);

        var services = builder.Services;
        services.AddSingleton(new NodeConsole(launch.Output));
        services.AddInfrastructure()
            .AddNode()
            .AddStorage()
            .AddWeb()
            .AddTelemetry(configuration)
            .AddMeshMindAuth()
            .AddMesh()
            .AddDiscovery()
            .AddLlm()
            .AddFiles()
            .AddKnowledge()
            .AddConversations()
            .AddAnalytics()
            .AddOverview()
            .AddDiagnostics()
            .AddPreferences()
            .AddEvaluation()
            .AddCrossChecks();
        services.AddServiceManagerLifetime();
        launch.ConfigureServices?.Invoke(services);

        var app = builder.Build();
        var ui = WebUi.CreateFileProvider(app.Services.GetRequiredService<TimeProvider>());
        app.UseAnalytics();
        app.UseMeshPort(peers => peers.MapPeerLlm().MapPeerModelCopy().MapPeerFiles().MapPeerKnowledge().MapPeerDiagnostics());
        app.UseAllowedHosts();
        app.UseSecurityHeaders();
        app.UseWebUi(ui);
        app.UseRouting();
        app.UseAuthentication();
        app.UseMiddleware<CrossOriginGuard>();
        app.UseAuthorization();

        app.MapTelemetry();
        app.MapAuthApi();
        app.MapMeshApi();
        app.MapDiscoveryApi();
        app.MapOverview();
        app.MapDiagnostics();
        app.MapSettingsApi();
        app.MapLlmApis();
        app.MapConversations();
        app.MapFilesApi();
        app.MapKnowledgeApi();
        app.MapAnalytics();
        app.MapEvaluationApi();
        app.MapApiDocument();
        app.MapWebUi(ui);
        return app;
    }

    /// <summary>Starts a node and waits until it is stopped (Ctrl+C, SIGTERM or <paramref name="cancellationToken"/>).</summary>
    /// <returns>0 after a clean stop; 2 when the node could not start (the reason is written to <see cref="NodeLaunch.Error"/>).</returns>
    public static async Task<int> RunAsync(NodeLaunch launch, CancellationToken cancellationToken)
    {
        WebApplication app;
        try
        {
            app = Build(launch);
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Building the server already reads options (the mesh port's TLS settings), so bad values can surface here.
            await WriteErrorAsync(launch, StartupFailure.Describe(ex, new ConfigurationBuilder().Build(), null));
            return 2;
        }

        await using (app)
        {
            try
            {
                await app.StartAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                HttpOptions? http = null;
                try
                {
                    http = app.Services.GetRequiredService<IOptions<HttpOptions>>().Value;
                }
                catch (Exception inner) when (inner is OptionsValidationException or InvalidOperationException)
                {
                    // The HTTP options themselves are what failed; the description below says so.
                }

                await WriteErrorAsync(launch, StartupFailure.Describe(ex, app.Configuration, http));
                return 2;
            }

            var node = app.Services.GetRequiredService<NodeInfo>();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
                .FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
            var meshPort = app.Services.GetRequiredService<BoundEndpoints>().MeshPort;
            app.Services.GetRequiredService<NodeConsole>().WriteLine(
                $"meshmind: node '{node.Name}' ({node.NodeId[..12]}) {NodeInfo.Version} listening on {address} - web UI at {address}/app/ - mesh port {meshPort}");
            if (launch.Environment.GetValueOrDefault(StopWithInputVariable) == "1")
            {
                StopWhenInputCloses(launch.Input, app.Lifetime);
            }

            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }

    /// <summary>
    /// Set to 1 by a program that starts nodes as its children (<c>meshmind lab</c>): the node stops when its standard input
    /// closes, which happens when that program ends in any way, SIGKILL included, so no node outlives its lab (issue 18).
    /// </summary>
    public const string StopWithInputVariable = "MESHMIND_STOP_WITH_INPUT";

    /// <remarks>
    /// The read blocks a thread-pool thread for the node's life; it is not awaited at shutdown, as a read of standard input cannot be
    /// cancelled, and the process ends right after.
    /// </remarks>
    private static void StopWhenInputCloses(TextReader input, IHostApplicationLifetime lifetime) =>
        _ = Task.Run(async () =>
        {
            while (await input.ReadLineAsync() is not null)
            {
            }

            lifetime.StopApplication();
        });

    private static async Task WriteErrorAsync(NodeLaunch launch, string description)
    {
        foreach (var line in description.Split(Environment.NewLine))
        {
            await launch.Error.WriteLineAsync("meshmind: error: " + line);
        }
    }
}
