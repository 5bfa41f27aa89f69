using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MeshMind.Tests.Support;

namespace MeshMind.Tests.Web;

/// <summary>
/// The node's OpenAPI document (<c>GET /openapi/v1.json</c>) and its checked-in copy <c>ui/src/api/openapi.json</c>, from which
/// the web UI's API types are generated: a change to the API that the copy (and so the UI) has not taken fails here.
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>Set to 1 to write the served document over the checked-in copy instead of comparing them.</summary>
    private const string WriteVariable = "MESHMIND_WRITE_OPENAPI";

    private const string RegenerateCommand = "MESHMIND_WRITE_OPENAPI=1 dotnet test tests/MeshMind.Tests -c Release --filter OpenApiDocument";

    private static readonly JsonSerializerOptions s_pretty = new()
    {
        WriteIndented = true,
        // A file people read and diff, never HTML: descriptions keep their quotes and angle brackets.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServedDocument_EqualsCheckedInCopy()
    {
        var served = await FetchAsync();
        var path = CheckedInPath();
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served, Ct);
            return;
        }

        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path, Ct)).ReplaceLineEndings("\n") : "";
        Assert.True(served == checkedIn,
            $"{path} is not the API document the node serves ({FirstDifference(checkedIn, served)}). Regenerate it with\n"
            + $"    {RegenerateCommand}\n"
            + "then build the UI (npm run build in ui/ regenerates src/api/schema.d.ts from it), fix what no longer type-checks, "
            + "and commit the document with the change.");
    }

    [Fact]
    public async Task Document_WithoutSession_Unauthorized()
    {
        await using var node = await TestNode.StartAsync();
        using var client = node.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>An endpoint mapped without saying what it answers shows as a 200 with no body; the UI could not type it.</summary>
    [Fact]
    public async Task EveryOperation_DescribesItsSuccessfulAnswer()
    {
        var paths = JsonNode.Parse(await FetchAsync())!["paths"]!.AsObject();

        var undescribed = paths
            .SelectMany(path => path.Value!.AsObject().Select(operation => (Name: $"{operation.Key.ToUpperInvariant()} {path.Key}", Responses: operation.Value!["responses"]!.AsObject())))
            .Where(operation => !operation.Responses.Any(r => r.Key.StartsWith('2') && (r.Key == "204" || r.Value?["content"] is JsonObject { Count: > 0 })))
            .Select(operation => operation.Name)
            .ToList();

        Assert.Empty(undescribed);
    }

    /// <summary>Peers' endpoints (the mesh port), Prometheus, the UI's own routes and the document itself are not the API.</summary>
    [Fact]
    public async Task Document_LeavesOutWhatIsNotTheApi()
    {
        var paths = JsonNode.Parse(await FetchAsync())!["paths"]!.AsObject().Select(path => path.Key).ToList();

        Assert.Contains("/api/chat", paths); // the check sees the API
        Assert.DoesNotContain(paths, path => path.StartsWith("/mesh", StringComparison.Ordinal) || path.StartsWith("/app", StringComparison.Ordinal)
            || path is "/metrics" or "/readyz" or "/" or "/openapi/{documentName}.json");
    }

    /// <summary>The document as the node serves it, indented the way the checked-in copy is.</summary>
    private static async Task<string> FetchAsync()
    {
        await using var node = await TestNode.StartAsync();
        using var client = await node.CreateLoggedInClientAsync();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", Ct))!;
        return document.ToJsonString(s_pretty) + "\n";
    }

    private static string CheckedInPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MeshMind.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        return Path.Combine(directory.FullName, "ui", "src", "api", "openapi.json");
    }

    private static string FirstDifference(string expected, string actual)
    {
        if (expected.Length == 0)
        {
            return "the copy is missing or empty";
        }

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, actualLines.Length); i++)
        {
            var was = i < expectedLines.Length ? expectedLines[i] : "(end of file)";
            var now = i < actualLines.Length ? actualLines[i] : "(end of file)";
            if (was != now)
            {
                return $"line {i + 1}: the copy has `{was.Trim()}`, the node serves `{now.Trim()}`";
            }
        }

        return "they differ";
    }
}
