namespace MeshMind.Hosting.Service;

/// <summary>What an installed service runs and where it keeps its things; the input of the unit, plist and <c>sc.exe</c> generators.</summary>
internal sealed record ServiceSpec
{
    /// <summary>The service's name: systemd unit <c>NAME.service</c>, Windows service <c>NAME</c>, launchd label <c>local.NAME</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The program to start: the executable, or the <c>dotnet</c> host and <c>meshmind.dll</c>.</summary>
    public required IReadOnlyList<string> Program { get; init; }

    public required string DataDirectory { get; init; }

    public required string LogFile { get; init; }

    /// <summary>Node options given to <c>service install</c> that the service keeps (<c>--http-port 9090</c>…); never secrets.</summary>
    public IReadOnlyList<string> NodeArguments { get; init; } = [];

    /// <summary>The account the service runs as (Linux: a system user made for it; Windows: its virtual account <c>NT SERVICE\NAME</c>).</summary>
    public string User { get; init; } = "meshmind";

    /// <summary>The whole command line of the service: <c>PROGRAM run --data-dir DIR --log-file FILE [node options]</c>.</summary>
    public IReadOnlyList<string> CommandLine =>
        [.. Program, "run", "--data-dir", DataDirectory, "--log-file", LogFile, .. NodeArguments];
}
