using System.Runtime.CompilerServices;

namespace MeshMind.Tests.Support;

/// <summary>
/// Golden files: generated text compared with a checked-in copy (in a <c>Golden/</c> folder beside the test, copied to the
/// test output). <c>MESHMIND_UPDATE_GOLDEN=1</c> rewrites the checked-in copy instead; review the diff before committing it.
/// </summary>
public static class Golden
{
    public static void Matches(string actual, string name, [CallerFilePath] string testFile = "")
    {
        var projectDirectory = FindProjectDirectory(testFile);
        var relative = Path.Combine(Path.GetRelativePath(projectDirectory, Path.GetDirectoryName(testFile)!), "Golden", name);
        if (Environment.GetEnvironmentVariable("MESHMIND_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(Path.Combine(projectDirectory, relative), actual);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, relative);
        Assert.True(File.Exists(path), $"no golden file {relative}; run the test with MESHMIND_UPDATE_GOLDEN=1 to write it");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }

    private static string FindProjectDirectory(string testFile)
    {
        for (var directory = Path.GetDirectoryName(testFile); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "MeshMind.Tests.csproj")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"{testFile} is not inside the test project");
    }
}
