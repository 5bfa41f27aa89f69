using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MeshMind.Web;

/// <summary>
/// The OpenAPI document of the people-facing API. Every endpoint declares what it accepts and answers where it is mapped; the
/// schemas come from the features' source-generated JSON contexts (see <see cref="WebServiceCollectionExtensions.AddWeb"/>).
/// The document is generated without starting a node (<c>meshmind openapi</c>, which calls <see cref="AddApiDocument"/> and
/// <see cref="RenderAsync"/>) into <c>ui/src/api/openapi.json</c>, from which the web UI's API types are generated; a test keeps
/// that copy equal to what the code generates. A node serves the copy embedded in it at <c>GET /openapi/v1.json</c> (a session or
/// an API key, like the rest of the API), so a running node never loads the OpenAPI libraries (about 2 MB of memory, idle).
/// </summary>
internal static class ApiDocument
{
    public const string Route = "/openapi/v1.json";

    private const string DocumentName = "v1";

    /// <summary>The checked-in copy, embedded by MeshMind.csproj.</summary>
    private const string Resource = "api/openapi.json";

    private static readonly JsonSerializerOptions s_indented = new()
    {
        WriteIndented = true,
        // A file people read and diff, served as JSON only: descriptions keep their quotes and angle brackets.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddOperationTransformer(ApiOperations.CompleteAsync);
            options.AddSchemaTransformer(UnrequireSkipped);
            options.AddDocumentTransformer(DescribeNode);
            options.AddDocumentTransformer(RequireDiscriminators);
        });

    /// <summary>The document of the endpoints mapped on a built (not necessarily started) node, indented, ending with a newline.</summary>
    public static async Task<string> RenderAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var document = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync(cancellationToken);
        var json = await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, cancellationToken);
        return JsonNode.Parse(json)!.ToJsonString(s_indented) + "\n";
    }

    /// <summary>Maps <see cref="Route"/> to the embedded copy; it needs a session or an API key, as the fallback policy asks of every endpoint.</summary>
    public static IEndpointRouteBuilder MapApiDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Route, () => Results.Stream(OpenEmbedded(), "application/json; charset=utf-8")).ExcludeFromDescription();
        return endpoints;
    }

    internal static Stream OpenEmbedded() =>
        typeof(ApiDocument).Assembly.GetManifestResourceStream(Resource)
        ?? throw new InvalidOperationException($"The node was built without its API document ({Resource}).");

    private static Task DescribeNode(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "MeshMind node API",
            Version = "v1",
            Description = "The web UI's API and the OpenAI- and Ollama-compatible APIs of one MeshMind node.",
        };

        // The document describes every node alike: no server URL, which would name the host and port that asked for it.
        document.Servers = [];

        // The tags the operations have now (see ApiOperations), in order, instead of the framework's.
        document.Tags = new HashSet<OpenApiTag>(
            (document.Paths ?? []).Values
                .SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
                .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>())
                .Select(tag => tag.Name)
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(name => new OpenApiTag { Name = name }));
        return Task.CompletedTask;
    }

    /// <summary>
    /// A property the serializer leaves out when it is null (<c>[JsonIgnore(Condition = WhenWritingNull)]</c>) is not required,
    /// even as a record's constructor parameter (which is all the schema exporter looks at).
    /// </summary>
    private static Task UnrequireSkipped(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Required is { Count: > 0 } required)
        {
            foreach (var property in context.JsonTypeInfo.Properties.Where(p => p.ShouldSerialize is not null))
            {
                required.Remove(property.Name);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Marks the discriminator (<c>"type"</c> of a <c>ChatEvent</c>) required in each derived type's schema: the serializer
    /// always writes it, and without it generated clients cannot tell the types apart by it.
    /// </summary>
    private static Task RequireDiscriminators(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        foreach (var family in schemas.Values)
        {
            if (family.Discriminator is not { PropertyName: { } property, Mapping: { } mapping })
            {
                continue;
            }

            foreach (var derived in mapping.Values)
            {
                if (derived.Reference.Id is { } id && schemas.TryGetValue(id, out var found) && found is OpenApiSchema schema)
                {
                    schema.Required ??= new HashSet<string>();
                    schema.Required.Add(property);
                }
            }
        }

        return Task.CompletedTask;
    }
}
