using System.CommandLine;
using System.Globalization;
using MeshMind.Hosting.Firewall;
using MeshMind.Hosting.Service;

namespace MeshMind.Hosting;

/// <summary>
/// The <c>meshmind</c> command line: <c>run</c> (the default), <c>config</c>, <c>openapi</c>, <c>password</c>, <c>invite</c>, <c>join</c>,
/// <c>secret rotate</c>, <c>doctor</c>, <c>service</c>, <c>firewall</c>, <c>lab</c>, <c>eval</c>, <c>--version</c>.
/// </summary>
internal static class MeshMindCommand
{
    public static RootCommand Create(Func<IReadOnlyDictionary<string, string?>, NodeLaunch> launch)
    {
        var dataDir = new Option<string>("--data-dir") { Description = "Data directory (database, identity, secrets, files). Default: ./meshmind-data", HelpName = "DIR", Recursive = true };
        var httpPort = new Option<int?>("--http-port") { Description = "HTTP port for the web UI and APIs. Default: 8080", HelpName = "N", Recursive = true };
        var httpBind = new Option<string>("--http-bind") { Description = "Address the HTTP port binds. Default: 0.0.0.0", HelpName = "ADDRESS", Recursive = true };
        var meshPort = new Option<int?>("--mesh-port") { Description = "Mutual-TLS port for peers. Default: 7878", HelpName = "N", Recursive = true };
        var meshBind = new Option<string>("--mesh-bind") { Description = "Address the mesh port binds. Default: 0.0.0.0", HelpName = "ADDRESS", Recursive = true };
        var discoveryPort = new Option<int?>("--discovery-port") { Description = "UDP discovery port. Default: 5000", HelpName = "N", Recursive = true };
        var discovery = new Option<string>("--discovery") { Description = "Discovery mode. Default: lan", HelpName = "lan|loopback|off", Recursive = true };
        discovery.AcceptOnlyFromAmong("lan", "loopback", "off");
        var name = new Option<string>("--name") { Description = "Display name of this node. Default: the host name", HelpName = "NAME", Recursive = true };
        var peers = new Option<string[]>("--peer") { Description = "Static peer to dial (repeatable)", HelpName = "HOST:PORT", Recursive = true, AllowMultipleArgumentsPerToken = false };
        var ollamaUrl = new Option<string>("--ollama-url") { Description = "Local Ollama. Default: http://127.0.0.1:11434", HelpName = "URL", Recursive = true };
        var logFile = new Option<string>("--log-file") { Description = "Also log to this file, rotated by size (10 MB x 5). Default: console only", HelpName = "PATH", Recursive = true };

        IReadOnlyDictionary<string, string?> Overrides(ParseResult result)
        {
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            void Set(string key, string? value)
            {
                if (value is not null)
                {
                    values[key] = value;
                }
            }

            Set("Node:DataDir", result.GetValue(dataDir));
            Set("Node:Name", result.GetValue(name));
            Set("Http:Port", result.GetValue(httpPort)?.ToString(CultureInfo.InvariantCulture));
            Set("Http:BindAddress", result.GetValue(httpBind));
            Set("Mesh:Port", result.GetValue(meshPort)?.ToString(CultureInfo.InvariantCulture));
            Set("Mesh:BindAddress", result.GetValue(meshBind));
            Set("Discovery:Port", result.GetValue(discoveryPort)?.ToString(CultureInfo.InvariantCulture));
            Set("Discovery:Mode", result.GetValue(discovery));
            Set("Llm:OllamaUrl", result.GetValue(ollamaUrl));
            Set("Telemetry:LogFile", result.GetValue(logFile));
            var peerList = result.GetValue(peers) ?? [];
            for (var i = 0; i < peerList.Length; i++)
            {
                Set($"Mesh:Peers:{i}", peerList[i]);
            }

            return values;
        }

        var run = new Command("run", "Run the node (the default command).");
        run.SetAction((result, cancellationToken) => NodeHost.RunAsync(launch(Overrides(result)), cancellationToken));

        var config = new Command("config", "Print the effective configuration (secrets masked) and any problems with it.");
        config.SetAction(result => ConfigReport.Write(launch(Overrides(result))));

        var output = new Option<string>("--output", "-o") { Description = "Write the document to this file instead of the standard output", HelpName = "FILE" };
        var openApi = new Command("openapi", "Print the node's OpenAPI document (what GET /openapi/v1.json serves), without starting a node.") { output };
        openApi.SetAction((result, cancellationToken) => ApiDocumentCommand.WriteAsync(launch(Overrides(result)), result.GetValue(output), cancellationToken));

        var generate = new Option<bool>("--generate") { Description = "Generate a password and print it, instead of reading one" };
        var password = new Command("password",
            "Set a new login password in the data directory and end every session (reads it from standard input, or asks without echo).") { generate };
        password.SetAction((result, cancellationToken) => PasswordCommand.RunAsync(launch(Overrides(result)), result.GetValue(generate), cancellationToken));

        var url = new Option<string>("--url") { Description = "The running node's address. Default: its HTTP port on this machine", HelpName = "URL" };
        var apiKey = new Option<string>("--api-key")
        {
            Description = $"An API key of that node (or set {NodeApiClient.ApiKeyVariable}). Default: sign in as the owner of --data-dir",
            HelpName = "KEY",
        };
        var invite = new Command("invite", "Make a single-use invite code for a new device (valid for 10 minutes); the code is the last line.") { url, apiKey };
        invite.SetAction((result, cancellationToken) =>
            InviteCommand.RunAsync(launch(Overrides(result)), result.GetValue(url), result.GetValue(apiKey), cancellationToken));

        var code = new Argument<string>("CODE") { Description = "The invite code from `meshmind invite` or a node's Network screen" };
        var join = new Command("join", "Join a mesh with an invite code: store its secret and its node in the data directory, for `meshmind run`.") { code };
        join.SetAction((result, cancellationToken) => JoinCommand.RunAsync(launch(Overrides(result)), result.GetValue(code)!, cancellationToken));

        var rotate = new Command("rotate", "Make a new mesh secret and send it to every linked peer; the old one is accepted for Mesh:SecretGracePeriod.") { url, apiKey };
        rotate.SetAction((result, cancellationToken) =>
            SecretCommand.RotateAsync(launch(Overrides(result)), result.GetValue(url), result.GetValue(apiKey), cancellationToken));
        var secret = new Command("secret", "The mesh secret of a running node.") { rotate };

        var doctor = new Command("doctor",
            "Ask the running node what keeps it from its peers; print each finding and its fix, one a line (exit 1 when one is an error).") { url, apiKey };
        doctor.SetAction((result, cancellationToken) =>
            DoctorCommand.RunAsync(launch(Overrides(result)), result.GetValue(url), result.GetValue(apiKey), cancellationToken));

        var service = ServiceCommand.Create(result => launch(Overrides(result)));
        var firewall = FirewallCommand.Create(result => launch(Overrides(result)));
        var lab = LabCommand.Create("lab", "Start a mesh of N nodes on this machine (loopback, no root), some with a simulated LLM host, until Ctrl+C.");
        var eval = LabCommand.Create("eval", "Measure a mesh through a node's API (latency, availability, bandwidth, resources) and write a report.");

        var root = new RootCommand("MeshMind: a LAN-first peer-to-peer LLM node. Run one on every machine.")
        {
            dataDir, httpPort, httpBind, meshPort, meshBind, discoveryPort, discovery, name, peers, ollamaUrl, logFile, run, config, openApi, password,
            invite, join, secret, doctor, service, firewall, lab, eval,
        };
        root.SetAction((result, cancellationToken) => NodeHost.RunAsync(launch(Overrides(result)), cancellationToken));
        return root;
    }
}
