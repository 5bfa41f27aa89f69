
namespace MeshMind.Hosting;

/// <summary>Everything one start of a node depends on from outside, so tests can run many nodes in one process.</summary>
internal sealed record NodeLaunch
{
    /// <summary>Configuration keys set by command-line flags (highest precedence).</summary>
    public IReadOnlyDictionary<string, string?> CommandLine { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = NodeConfiguration.ProcessEnvironment();

    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;

    /// <summary>Where the node talks to the person who started it (listening address, generated password).</summary>
    public TextWriter Output { get; init; } = Console.Out;

    /// <summary>Where commands that ask for something read it (<c>meshmind password</c>).</summary>
    public TextReader Input { get; init; } = Console.In;

    public TextWriter Error { get; init; } = Console.Error;

    /// <summary>Test hook: replace services (e.g. a fake <see cref="TimeProvider"/>) after the node registered its own.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}
