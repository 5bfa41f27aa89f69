using System.Diagnostics.CodeAnalysis;
using MeshMind.Web;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind openapi</c>: the node's OpenAPI document, generated from the endpoints a node maps without starting one (no
/// port, no data directory of the person's: a temporary one, deleted after). The configuration does not change the document.
/// </summary>
internal static class ApiDocumentCommand
{
    private const string Switch = "MeshMind.ApiDocumentGeneration";

    /// <summary>
    /// Whether this build can generate the document. The Native AOT release turns it off (MeshMind.csproj), and the compiler
    /// then leaves the OpenAPI libraries out of the executable (about 1 MB of issue 15's 40 MB): the document is a developer's
    /// tool, generated from a source checkout, and every node serves the copy embedded in it.
    /// </summary>
    [FeatureSwitchDefinition(Switch)]
    public static bool IsSupported { get; } = !AppContext.TryGetSwitch(Switch, out var enabled) || enabled;

    /// <returns>
    /// 0; the document goes to <paramref name="outputPath"/>, or to <see cref="NodeLaunch.Output"/> when it is null. 2 in a
    /// build without the generator.
    /// </returns>
    public static async Task<int> WriteAsync(NodeLaunch launch, string? outputPath, CancellationToken cancellationToken)
    {
        if (!IsSupported)
        {
            await launch.Error.WriteLineAsync(
                "meshmind openapi: this build leaves the OpenAPI generator out (Native AOT release); run `dotnet run --project src/MeshMind -- openapi` " +
                $"in a source checkout, or read the document a node serves at {ApiDocument.Route}.");
            return 2;
        }

        var document = await GenerateAsync(launch, cancellationToken);
        if (outputPath is null)
        {
            await launch.Output.WriteAsync(document.AsMemory(), cancellationToken);
            await launch.Output.FlushAsync(cancellationToken);
        }
        else
        {
            await File.WriteAllTextAsync(outputPath, document, cancellationToken);
        }

        return 0;
    }

    public static async Task<string> GenerateAsync(NodeLaunch launch, CancellationToken cancellationToken)
    {
        var scratch = Directory.CreateTempSubdirectory("meshmind-openapi-");

        // A node hands its endpoints to routing (and so to the API explorer) when it starts; this one never does, so the
        // explorer reads the app's endpoints directly, once they are mapped.
        var mapped = new List<EndpointDataSource>();
        try
        {
            var quiet = launch with
            {
                CommandLine = new Dictionary<string, string?> { ["Node:DataDir"] = scratch.FullName, ["Discovery:Mode"] = "off" },
                Environment = new Dictionary<string, string?>(),
                WorkingDirectory = scratch.FullName,
                Output = TextWriter.Null,
                ConfigureServices = services =>
                {
                    services.AddApiDocument();
                    launch.ConfigureServices?.Invoke(services);
                    services.AddSingleton<EndpointDataSource>(_ => new CompositeEndpointDataSource(mapped));
                },
            };
            await using var app = NodeHost.Build(quiet);
            mapped.AddRange(((IEndpointRouteBuilder)app).DataSources);
            return await ApiDocument.RenderAsync(app.Services, cancellationToken);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
