namespace MeshMind.Infrastructure;

/// <summary>
/// What an endpoint accepts and answers, for the API's OpenAPI document, where the handler reads and writes the body itself
/// (so the framework cannot see its types): JSON bodies, errors in MeshMind's shape, a second form of an answer, files up and down.
/// </summary>
/// <remarks>
/// Beyond the framework's <c>Produces</c>, these add plain markers to the endpoint's metadata, which the API document
/// (<c>Web/ApiOperations</c>) turns into OpenAPI: features state facts, the OpenAPI model stays with the document.
/// </remarks>
internal static class ApiMetadata
{
    /// <summary>The body is a <typeparamref name="T"/> in JSON, which the handler reads itself (see <see cref="JsonBody"/>).</summary>
    /// <remarks>
    /// Not the framework's <c>Accepts</c>: its metadata also makes routing refuse other content types, before the handler can
    /// answer them with its own 415 (or, on an anonymous endpoint, before the authorization that the refusal still passes).
    /// </remarks>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new AcceptsJsonBody(typeof(T)));

    /// <summary>The endpoint answers these status codes with an <see cref="ErrorResponse"/>.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder endpoint, params int[] statusCodes) =>
        endpoint.ProducesErrors<ErrorResponse>(statusCodes);

    /// <summary>The endpoint answers these status codes with a <typeparamref name="TError"/> (a compatible API's own error form).</summary>
    public static RouteHandlerBuilder ProducesErrors<TError>(this RouteHandlerBuilder endpoint, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            endpoint.Produces<TError>(statusCode);
        }

        return endpoint;
    }

    /// <summary>
    /// Its 200 answer, declared with <c>Produces</c>, can also be a <typeparamref name="T"/> in <paramref name="contentType"/>
    /// (one answer streamed, the other whole); <paramref name="description"/> says when which comes.
    /// </summary>
    /// <remarks>
    /// The framework's API description holds one type per status code. Declare a polymorphic type (one whose schema refers to
    /// its derived types) with <c>Produces</c>, which registers the derived types too.
    /// </remarks>
    public static RouteHandlerBuilder ProducesAlso<T>(this RouteHandlerBuilder endpoint, string contentType, string description) =>
        endpoint.WithMetadata(new AlsoProduces(typeof(T), contentType, description));

    /// <summary>The endpoint answers 200 with a file's bytes (in the file's own content type; a Range gets 206 with part of them).</summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder endpoint) =>
        endpoint.Produces(StatusCodes.Status200OK).WithMetadata(new ProducesFileBytes());

    /// <summary>The body is <c>multipart/form-data</c> with one file in the field <paramref name="fieldName"/>.</summary>
    public static RouteHandlerBuilder AcceptsFile(this RouteHandlerBuilder endpoint, string fieldName) =>
        endpoint.WithMetadata(new AcceptsFileUpload(fieldName));
}

/// <summary>See <see cref="ApiMetadata.AcceptsJson{T}"/>.</summary>
internal sealed record AcceptsJsonBody(Type Type);

/// <summary>See <see cref="ApiMetadata.ProducesAlso{T}"/>.</summary>
internal sealed record AlsoProduces(Type Type, string ContentType, string Description);

/// <summary>See <see cref="ApiMetadata.ProducesFile"/>.</summary>
internal sealed record ProducesFileBytes;

/// <summary>See <see cref="ApiMetadata.AcceptsFile"/>.</summary>
internal sealed record AcceptsFileUpload(string FieldName);
