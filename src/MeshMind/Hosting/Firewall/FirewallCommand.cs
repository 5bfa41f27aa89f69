using System.CommandLine;
using System.Net;
using MeshMind.Discovery;
using MeshMind.Mesh;
using MeshMind.Web;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting.Firewall;

/// <summary>
/// <c>meshmind firewall [--apply|--remove]</c>: rules that let the node's ports be reached from the local subnets of the
/// interfaces it uses and from nowhere else. Without <c>--apply</c> it only prints them.
/// </summary>
internal static class FirewallCommand
{
    public const int MaxExtraNetworks = 64;

    public static Command Create(Func<ParseResult, NodeLaunch> launch)
    {
        var apply = new Option<bool>("--apply") { Description = "Apply the rules (needs root or an administrator)" };
        var remove = new Option<bool>("--remove") { Description = "Remove the rules an earlier --apply added" };
        var backend = new Option<string>("--backend")
        {
            Description = "Which firewall: auto picks Windows, macOS, or on Linux ufw or firewalld when active, else nftables. Default: auto",
            HelpName = "auto|nftables|ufw|firewalld|windows|macos",
            DefaultValueFactory = _ => "auto",
        };
        backend.AcceptOnlyFromAmong("auto", "nftables", "ufw", "firewalld", "windows", "macos");
        var allow = new Option<string[]>("--allow")
        {
            Description = "Also allow this network (CIDR, repeatable), e.g. another office subnet a --peer is on",
            HelpName = "CIDR",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("firewall",
            "Print (or with --apply, apply) firewall rules that open the node's ports (mesh, discovery, HTTP) to the local subnets only.")
        {
            apply, remove, backend, allow,
        };
        command.SetAction((result, ct) => RunAsync(launch(result), result.GetValue(apply), result.GetValue(remove), result.GetValue(backend) ?? "auto",
            result.GetValue(allow) ?? [], ct));
        return command;
    }

    private static async Task<int> RunAsync(NodeLaunch launch, bool apply, bool remove, string backendName, string[] allow, CancellationToken cancellationToken)
    {
        if (apply && remove)
        {
            return await FailAsync(launch, "--apply and --remove: choose one");
        }

        var extra = new List<IPNetwork>();
        foreach (var text in allow.Take(MaxExtraNetworks + 1))
        {
            if (extra.Count == MaxExtraNetworks)
            {
                return await FailAsync(launch, $"--allow: at most {MaxExtraNetworks} networks");
            }

            if (!LocalSubnets.TryParseCidr(text, out var network))
            {
                return await FailAsync(launch, $"--allow: '{text}' is not a network in CIDR form with its host bits zero (e.g. 192.168.5.0/24)");
            }

            extra.Add(network);
        }

        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        await using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddAllOptions().BuildServiceProvider();
        HttpOptions http;
        MeshOptions mesh;
        DiscoveryOptions discovery;
        try
        {
            http = provider.GetRequiredService<IOptions<HttpOptions>>().Value;
            mesh = provider.GetRequiredService<IOptions<MeshOptions>>().Value;
            discovery = provider.GetRequiredService<IOptions<DiscoveryOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return await FailAsync(launch, string.Join(Environment.NewLine, ex.Failures));
        }

        var (ports, notes) = FirewallPlanner.Ports(http, mesh, discovery);
        var subnets = LocalSubnets.Select(LocalSubnets.Current(), discovery.Interfaces, FirewallPlanner.BindAddresses(http, mesh))
            .Concat(extra.Select(n => new LocalSubnet("--allow", n))).ToList();
        var plan = new FirewallPlan(ports, subnets);
        foreach (var note in notes)
        {
            await launch.Output.WriteLineAsync("# " + note);
        }

        if (ports.Count == 0)
        {
            await launch.Output.WriteLineAsync("meshmind: no port of this node is reached from other machines: nothing to open.");
            return 0;
        }

        if (!remove && subnets.Count == 0)
        {
            return await FailAsync(launch, "no local subnet found on the interfaces the node uses (is the network up?); name one with --allow CIDR");
        }

        var runner = new CommandRunner(launch.Output, dryRun: false);
        var backend = backendName == "auto" ? await DetectAsync(runner, cancellationToken) : backendName;
        if (backend is null)
        {
            return await FailAsync(launch, "this system has no firewall the helper knows; name one with --backend");
        }

        if (!remove)
        {
            await launch.Output.WriteAsync(Render(backend, plan, extra));
        }

        if (!apply && !remove)
        {
            return 0;
        }

        if (!Native(backend))
        {
            return await FailAsync(launch, $"--backend {backend} rules can be printed here, not applied: this is not {backend}'s system");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return await FailAsync(launch, OperatingSystem.IsWindows()
                ? "changing the firewall needs an administrator: run it in a terminal opened with \"Run as administrator\""
                : $"changing the firewall needs root: run `sudo meshmind firewall {(apply ? "--apply" : "--remove")}` with the same options");
        }

        foreach (var step in Steps(backend, plan, extra, remove))
        {
            var code = await runner.RunAsync(step, cancellationToken);
            // ufw and firewall-cmd refuse to remove a rule that is not there; removing goes on with the others.
            if (code != 0 && !remove)
            {
                return await FailAsync(launch, code == 127
                    ? $"{step.File} is not installed{(step.File == "nft" ? " (apt-get install nftables)" : "")}"
                    : $"'{step.File}' failed (exit code {code}); the rules may be partly applied: `meshmind firewall --remove` takes them out");
            }
        }

        await launch.Output.WriteLineAsync(remove
            ? $"meshmind: removed MeshMind's {backend} rules."
            : $"meshmind: applied {backend} rules: {plan.DescribePorts()} reachable only from {plan.DescribeSubnets()}"
                + (backend == "nftables" ? " (until reboot; to keep them, add the printed ruleset to /etc/nftables.conf, or run this at boot)." : "."));
        return 0;
    }

    /// <summary>The rules as text, for a person to read or to paste.</summary>
    internal static string Render(string backend, FirewallPlan plan, IReadOnlyList<IPNetwork> extra) => backend switch
    {
        "nftables" => NftablesRules.Render(plan),
        "ufw" => UfwRules.Render(plan),
        "firewalld" => FirewalldRules.Render(plan),
        "windows" => WindowsFirewallRules.Render(plan, [.. extra.Select(n => n.ToString())]),
        _ => MacFirewallRules.Render(plan, Program()),
    };

    private static IReadOnlyList<ExternalCommand> Steps(string backend, FirewallPlan plan, IReadOnlyList<IPNetwork> extra, bool remove) => backend switch
    {
        "nftables" => [NftablesRules.Apply(remove ? NftablesRules.RenderRemove() : NftablesRules.Render(plan))],
        "ufw" => remove ? UfwRules.Remove(plan) : UfwRules.Apply(plan),
        "firewalld" => remove ? FirewalldRules.Remove(plan) : FirewalldRules.Apply(plan),
        "windows" => [WindowsFirewallRules.PowerShell(remove ? WindowsFirewallRules.RenderRemove() : WindowsFirewallRules.Render(plan, [.. extra.Select(n => n.ToString())]))],
        _ => remove ? MacFirewallRules.Remove(Program()) : MacFirewallRules.Apply(Program()),
    };

    private static bool Native(string backend) => backend switch
    {
        "windows" => OperatingSystem.IsWindows(),
        "macos" => OperatingSystem.IsMacOS(),
        _ => OperatingSystem.IsLinux(),
    };

    /// <summary>Windows and macOS are themselves; on Linux, ufw or firewalld when one is active (they drop by default), else nftables.</summary>
    private static async Task<string?> DetectAsync(CommandRunner runner, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return "windows";
        }

        if (OperatingSystem.IsMacOS())
        {
            return "macos";
        }

        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        var (ufw, ufwStatus) = await runner.CaptureAsync(new ExternalCommand("ufw", "status"), cancellationToken);
        if (ufw == 0 && ufwStatus.Contains("Status: active", StringComparison.Ordinal))
        {
            return "ufw";
        }

        var (firewalld, state) = await runner.CaptureAsync(new ExternalCommand("firewall-cmd", "--state"), cancellationToken);
        return firewalld == 0 && state.Trim() == "running" ? "firewalld" : "nftables";
    }

    private static string Program() => Environment.ProcessPath ?? "meshmind";

    private static async Task<int> FailAsync(NodeLaunch launch, string message)
    {
        await launch.Error.WriteLineAsync("meshmind: error: " + message);
        return 2;
    }
}
