using MeshMind.Files.Store;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace MeshMind.Files.Api;

/// <summary>
/// Reads an upload's <c>multipart/form-data</c> body up to the file field (named <c>file</c>) and checks its name. Kept apart
/// from the endpoint so it can be fuzzed: for any content type and body it gives a result or throws
/// <see cref="InvalidDataException"/> (a malformed body), nothing else.
/// </summary>
internal static class UploadReader
{
    /// <summary>
    /// The multipart reader's buffer: each read of the file's section returns at most this much, so the default (4 KiB)
    /// made a 1 GiB upload a quarter of a million small reads, hash updates and writes.
    /// </summary>
    public const int BufferSize = 256 * 1024;

    public const string NoFile = "no file found: send it in a multipart field named 'file'";

    /// <summary>The boundary of a <c>multipart/form-data</c> content type, or null for any other content type.</summary>
    public static string? Boundary(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 and <= 200 } boundary
            ? boundary
            : null;

    /// <summary>
    /// The file field's section (its body is the file) and its checked name; or, with no section, why the upload is refused:
    /// its name (<see cref="FileNames.Check"/>) or <see cref="NoFile"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The body is not well-formed multipart, including one cut off before its closing
    /// boundary (here or while the returned section's body is read).</exception>
    public static async Task<(MultipartSection? Section, string? Name, string? Error)> ReadFileAsync(string boundary, Stream body,
        CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body, BufferSize) { HeadersLengthLimit = 16 * 1024 };
        while (await NextSectionAsync(reader, cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (disposition.Parameters.Any(p => !p.Value.HasValue))
            {
                // E.g. "filename*" alone: the header parses, but reading such a parameter throws ArgumentNullException (found by fuzzing).
                throw new InvalidDataException("a Content-Disposition parameter has no value");
            }

            string? raw;
            try
            {
                if (!disposition.IsFileDisposition() || disposition.Name.Value?.Trim('"') != "file")
                {
                    continue;
                }

                raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            }
            catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
            {
                // filename*=UTF-7''… (a charset .NET refuses to decode) threw NotSupportedException from IsFileDisposition and
                // FileNameStar: found by fuzzing, a 500 before.
                throw new InvalidDataException("the file name's charset (filename*) cannot be decoded; use UTF-8", ex);
            }

            var (name, problem) = FileNames.Check(raw);
            if (name is null)
            {
                return (null, null, $"the file name is refused: {problem}");
            }

            section.Body = new CutOffAsInvalidData(section.Body);
            return (section, name, null);
        }

        return (null, null, NoFile);
    }

    private static async Task<MultipartSection?> NextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (IOException ex) when (CutOffAsInvalidData.IsCutOff(ex))
        {
            throw new InvalidDataException(CutOffAsInvalidData.Message, ex);
        }
    }
}
