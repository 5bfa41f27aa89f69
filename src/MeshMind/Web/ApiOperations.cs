using System.Reflection;
using MeshMind.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MeshMind.Web;

/// <summary>
/// Completes each operation of the API document: its tag, and what its endpoint declared with <see cref="ApiMetadata"/>
/// beyond the framework's own metadata (a JSON body, a second form of the 200 answer, file bytes, a multipart upload).
/// </summary>
internal static class ApiOperations
{
    public static async Task CompleteAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        TagByPart(operation, context, metadata);
        foreach (var item in metadata)
        {
            switch (item)
            {
                case AcceptsJsonBody body:
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType>
                        {
                            ["application/json"] = new() { Schema = await ApiSchemas.ReferenceAsync(body.Type, context, cancellationToken) },
                        },
                    };
                    break;
                case AlsoProduces also:
                    await AddAnswerAsync(operation, context, also, cancellationToken);
                    break;
                case ProducesFileBytes:
                    Ok(operation, context).Content = new Dictionary<string, OpenApiMediaType> { ["application/octet-stream"] = new() { Schema = Binary() } };
                    break;
                case AcceptsFileUpload upload:
                    operation.RequestBody = Upload(upload.FieldName);
                    break;
            }
        }
    }

    /// <summary>
    /// Tags an operation with the part of the node that serves it (<c>Files</c>, <c>Llm</c>…, the folder of its handler), where
    /// the framework would name the handler's class, or the application for a lambda.
    /// </summary>
    private static void TagByPart(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata)
    {
        if (metadata.OfType<MethodInfo>().FirstOrDefault()?.DeclaringType?.Namespace?.Split('.') is [_, var part, ..])
        {
            operation.Tags = new HashSet<OpenApiTagReference> { new(part, context.Document) };
        }
    }

    private static async Task AddAnswerAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, AlsoProduces also,
        CancellationToken cancellationToken)
    {
        var ok = Ok(operation, context);
        ok.Content ??= new Dictionary<string, OpenApiMediaType>();
        ok.Content[also.ContentType] = new OpenApiMediaType { Schema = await ApiSchemas.ReferenceAsync(also.Type, context, cancellationToken) };
        ok.Description = also.Description;
    }

    private static OpenApiResponse Ok(OpenApiOperation operation, OpenApiOperationTransformerContext context) =>
        operation.Responses?.GetValueOrDefault("200") as OpenApiResponse
            ?? throw new InvalidOperationException($"{context.Description.RelativePath}: declare its 200 answer with Produces");

    private static OpenApiSchema Binary() => new() { Type = JsonSchemaType.String, Format = "binary" };

    private static OpenApiRequestBody Upload(string fieldName) => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["multipart/form-data"] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { fieldName },
                    Properties = new Dictionary<string, IOpenApiSchema> { [fieldName] = Binary() },
                },
            },
        },
    };
}
