using System.Runtime.Versioning;

namespace MeshMind.Hosting.Service;

/// <summary>The program an installed service starts: this very executable, where it is.</summary>
internal static class ServiceExecutable
{
    /// <summary>
    /// This executable; or, when it runs through the <c>dotnet</c> host (<c>dotnet meshmind.dll</c>, a framework-dependent
    /// build), the host and the assembly.
    /// </summary>
    public static IReadOnlyList<string> Current()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this executable is unknown");
        return Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "meshmind.dll")]
            : [process];
    }

    /// <summary>
    /// Why a system user other than the file's owner could not run <paramref name="program"/> under the unit's
    /// <c>ProtectHome=yes</c>, or null when it can: each file readable by others (the executable also executable by them),
    /// each directory above it searchable by others, nothing under <c>/home</c>, <c>/root</c> or <c>/run/user</c>.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static string? WhyNotReachableOnLinux(IReadOnlyList<string> program)
    {
        for (var i = 0; i < program.Count; i++)
        {
            var path = Path.GetFullPath(File.ResolveLinkTarget(program[i], returnFinalTarget: true)?.FullName ?? program[i]);
            if (path.StartsWith("/home/", StringComparison.Ordinal) || path.StartsWith("/root/", StringComparison.Ordinal)
                || path.StartsWith("/run/user/", StringComparison.Ordinal))
            {
                return $"{path} is in a home directory, which the service cannot see";
            }

            var needed = i == 0 ? UnixFileMode.OtherRead | UnixFileMode.OtherExecute : UnixFileMode.OtherRead;
            if ((File.GetUnixFileMode(path) & needed) != needed)
            {
                return $"{path} is not readable{(i == 0 ? " and executable" : "")} by other users";
            }

            for (var directory = Path.GetDirectoryName(path); directory is { Length: > 1 }; directory = Path.GetDirectoryName(directory))
            {
                if ((File.GetUnixFileMode(directory) & UnixFileMode.OtherExecute) == 0)
                {
                    return $"{directory} cannot be entered by other users";
                }
            }
        }

        return null;
    }
}
