using MeshMind.Auth;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind password</c>: sets a new login password in a data directory and ends every session, for someone who can read and
/// write that directory (the owner, who may have lost the generated password or been held up by others' failed logins). Works
/// whether the node is running or not: the node reads the stored hash at each login and voids older sessions within seconds.
/// </summary>
internal static class PasswordCommand
{
    /// <returns>0 when the password was changed; 2 when it was not (the reason is written to <see cref="NodeLaunch.Error"/>).</returns>
    public static async Task<int> RunAsync(NodeLaunch launch, bool generate, CancellationToken cancellationToken)
    {
        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        await using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddAllOptions()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<DataDirectory>()
            .AddSingleton<Database>()
            .AddSingleton<UserStore>()
            .BuildServiceProvider();

        NodeOptions node;
        AuthOptions auth;
        try
        {
            node = provider.GetRequiredService<IOptions<NodeOptions>>().Value;
            auth = provider.GetRequiredService<IOptions<AuthOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync(launch, string.Join(Environment.NewLine, ex.Failures));
        }

        if (!File.Exists(Path.Combine(node.FullDataDir, "meshmind.db")))
        {
            return await FailAsync(launch, $"{node.FullDataDir} is not a MeshMind data directory (it has no meshmind.db); name it with --data-dir DIR");
        }

        var password = generate ? PasswordHasher.Generate() : await ReadAsync(launch, cancellationToken);
        if (password is null)
        {
            return await FailAsync(launch, "the two passwords differ; nothing was changed");
        }

        if (password.Length is < AuthOptionsValidator.MinimumPasswordLength or > AuthApi.MaxCredentialLength)
        {
            return await FailAsync(launch, $"a password needs {AuthOptionsValidator.MinimumPasswordLength}-{AuthApi.MaxCredentialLength} characters; nothing was changed");
        }

        var database = provider.GetRequiredService<Database>();
        await database.MigrateAsync(Migrations.All, cancellationToken);
        await provider.GetRequiredService<UserStore>().SetPasswordAsync(password, cancellationToken);

        if (generate)
        {
            await launch.Output.WriteLineAsync($"meshmind: new password for user '{auth.Username}': {password}");
        }

        await launch.Output.WriteLineAsync(
            $"meshmind: the password for user '{auth.Username}' in {node.FullDataDir} is changed and every session has ended (a running node notices within seconds).");
        if (!string.IsNullOrEmpty(auth.Password))
        {
            await launch.Output.WriteLineAsync(
                "meshmind: note: a password is also configured here (NODE_PASSWORD, auth_secret.txt or Auth:Password); while it is, the node uses that one.");
        }

        return 0;
    }

    /// <summary>The first line of standard input when it is redirected; otherwise asked twice on the terminal without echo (null if they differ).</summary>
    private static async Task<string?> ReadAsync(NodeLaunch launch, CancellationToken cancellationToken)
    {
        if (Console.IsInputRedirected || launch.Input != Console.In)
        {
            return (await launch.Input.ReadLineAsync(cancellationToken))?.TrimEnd('\r') ?? "";
        }

        var first = Prompt(launch, "New password: ");
        var second = Prompt(launch, "Again: ");
        return first == second ? first : null;
    }

    private static string Prompt(NodeLaunch launch, string label)
    {
        launch.Output.Write(label);
        launch.Output.Flush();
        var text = new System.Text.StringBuilder();
        while (Console.ReadKey(intercept: true) is var key && key.Key != ConsoleKey.Enter)
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                text.Length = Math.Max(0, text.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        launch.Output.WriteLine();
        return text.ToString();
    }

    private static async Task<int> FailAsync(NodeLaunch launch, string message)
    {
        await launch.Error.WriteLineAsync("meshmind: error: " + message);
        return 2;
    }
}
