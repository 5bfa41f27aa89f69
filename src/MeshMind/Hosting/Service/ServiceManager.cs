namespace MeshMind.Hosting.Service;

/// <summary>Installs, removes and reports a node as a service of this platform's service manager.</summary>
internal abstract class ServiceManager(CommandRunner runner, NodeLaunch launch)
{
    /// <summary>The seed's files a person puts beside the executable; <c>install</c> copies them into the service's data directory.</summary>
    private static readonly string[] s_seedFiles = ["p2p_secret.txt", "auth_secret.txt", "auth_user.txt"];

    protected CommandRunner Runner { get; } = runner;

    protected NodeLaunch Launch { get; } = launch;

    /// <summary>Where this platform keeps a service named <paramref name="name"/>'s data and log.</summary>
    public abstract ServiceLayout Layout(string name);

    public abstract Task<int> InstallAsync(ServiceSpec spec, CancellationToken cancellationToken);

    public abstract Task<int> UninstallAsync(string name, bool purge, CancellationToken cancellationToken);

    public abstract Task<int> StatusAsync(string name, CancellationToken cancellationToken);

    public abstract Task<int> LogsAsync(string name, int lines, bool follow, CancellationToken cancellationToken);

    protected async Task SayAsync(string message) => await Launch.Output.WriteLineAsync("meshmind: " + message);

    protected async Task<int> FailAsync(string message)
    {
        await Launch.Error.WriteLineAsync("meshmind: error: " + message);
        return 2;
    }

    /// <summary>Runs a command that must succeed; a failure is reported naming it.</summary>
    protected async Task<bool> MustAsync(ExternalCommand command, CancellationToken cancellationToken)
    {
        var code = await Runner.RunAsync(command, cancellationToken);
        if (code != 0)
        {
            await FailAsync($"'{command}' failed (exit code {code}); nothing after it was done");
        }

        return code == 0;
    }

    /// <summary>Writes a service definition (unit, plist), or shows it in a dry run.</summary>
    protected async Task WriteDefinitionAsync(string path, string text, UnixFileMode mode, CancellationToken cancellationToken)
    {
        if (Runner.DryRun)
        {
            await Launch.Output.WriteLineAsync($"--- {path}");
            await Launch.Output.WriteAsync(text);
            await Launch.Output.WriteLineAsync("---");
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }

        await SayAsync($"wrote {path}");
    }

    /// <summary>
    /// Copies <c>p2p_secret.txt</c>, <c>auth_secret.txt</c> and <c>auth_user.txt</c> from the working directory into the service's
    /// data directory, unless it has its own already (the README's "copy the executable and p2p_secret.txt" then still works).
    /// </summary>
    /// <returns>The files copied (to hand to the service's user), in the data directory.</returns>
    protected async Task<IReadOnlyList<string>> CopySeedFilesAsync(string dataDirectory)
    {
        var copied = new List<string>();
        foreach (var name in s_seedFiles)
        {
            var source = Path.Combine(Launch.WorkingDirectory, name);
            var target = Path.Combine(dataDirectory, name);
            if (!File.Exists(source) || File.Exists(target) || Path.GetFullPath(source) == Path.GetFullPath(target))
            {
                continue;
            }

            if (!Runner.DryRun)
            {
                Directory.CreateDirectory(dataDirectory);
                File.Copy(source, target);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }

            await SayAsync($"{(Runner.DryRun ? "would copy" : "copied")} {source} to {target}");
            copied.Add(target);
        }

        return copied;
    }

    /// <summary>The last <paramref name="lines"/> lines of a log file, then (with <paramref name="follow"/>) what is added until Ctrl+C.</summary>
    protected async Task<int> TailAsync(string path, int lines, bool follow, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return await FailAsync($"no log file at {path} (is the service installed and started?)");
        }

        long position;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            var last = new Queue<string>(lines + 1);
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                last.Enqueue(line);
                if (last.Count > lines)
                {
                    last.Dequeue();
                }
            }

            foreach (var line in last)
            {
                await Launch.Output.WriteLineAsync(line);
            }

            position = stream.Length;
        }

        while (follow && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // A shorter file was rotated: the new one is read from its start.
            position = stream.Length < position ? 0 : position;
            stream.Seek(position, SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            await Launch.Output.WriteAsync(await reader.ReadToEndAsync(cancellationToken));
            position = stream.Length;
        }

        return 0;
    }
}
