using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MeshMind.Web;

/// <summary>
/// Schemas an operation transformer adds (a request body, a second answer form) as components with references, the way the
/// framework adds those it finds itself: <see cref="OpenApiOperationTransformerContext.GetOrCreateSchemaAsync"/> gives a
/// schema with every type it contains inline, each marked with the component id the framework would give it.
/// </summary>
internal static class ApiSchemas
{
    // The framework's marks on such a schema: the component's id (the C# type's name); that the property holding it may be null;
    // the property's own description, which belongs beside the reference rather than on the shared component.
    private const string SchemaId = "x-schema-id";
    private const string NullableProperty = "x-is-nullable-property";
    private const string PropertyDescription = "x-ref-description";

    /// <summary>A reference to <paramref name="type"/>'s component, registered (with the components it contains) if it is not yet.</summary>
    /// <remarks>Polymorphic types are not handled: declare them with <c>Produces</c>, so the framework registers their derived types.</remarks>
    public static async Task<IOpenApiSchema> ReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var schema = await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken);
        return Componentize(schema, document);
    }

    private static IOpenApiSchema Componentize(IOpenApiSchema schema, OpenApiDocument document)
    {
        if (schema is not OpenApiSchema inline)
        {
            return schema;
        }

        foreach (var name in inline.Properties?.Keys.ToList() ?? [])
        {
            inline.Properties![name] = Componentize(inline.Properties[name], document);
        }

        if (inline.Items is { } items)
        {
            inline.Items = Componentize(items, document);
        }

        if (inline.AdditionalProperties is { } values)
        {
            inline.AdditionalProperties = Componentize(values, document);
        }

        var marks = inline.Metadata;
        if (marks is null || !marks.TryGetValue(SchemaId, out var mark) || mark is not string { Length: > 0 } id)
        {
            return inline;
        }

        if (document.Components?.Schemas?.ContainsKey(id) != true)
        {
            document.AddComponent(id, inline);
        }

        var reference = new OpenApiSchemaReference(id, document)
        {
            Description = marks.TryGetValue(PropertyDescription, out var description) ? description as string : null,
        };

        // A property that may be null holds "null or the component", as the framework writes it.
        return marks.TryGetValue(NullableProperty, out var nullable) && nullable is true
            ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference] }
            : reference;
    }
}
