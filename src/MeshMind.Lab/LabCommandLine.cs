using System.CommandLine;
using MeshMind.Lab.Eval;
using MeshMind.Lab.Lab;

namespace MeshMind.Lab;

/// <summary>The <c>meshmind-lab</c> command line, also reached as <c>meshmind lab</c> and <c>meshmind eval</c>.</summary>
internal static class LabCommandLine
{
    public static RootCommand Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Nodes to start", DefaultValueFactory = _ => 3, HelpName = "N" };
        var llmHosts = new Option<int>("--llm-hosts") { Description = "Nodes backed by a simulated LLM host (the last ones)", DefaultValueFactory = _ => 1, HelpName = "K" };
        var scenario = new Option<string>("--scenario") { Description = "What happens to the nodes while the lab runs", DefaultValueFactory = _ => "none", HelpName = "none|churn|slow-host|host-dies" };
        scenario.AcceptOnlyFromAmong("none", "churn", "slow-host", "host-dies");
        var dir = new Option<string>("--dir") { Description = "Where lab.json, events.jsonl and the nodes' data go. Default: a temporary folder, deleted at the end", HelpName = "DIR" };
        var churnEvery = new Option<double>("--churn-every") { Description = "Seconds between kills in the churn and host-dies scenarios", DefaultValueFactory = _ => 20, HelpName = "S" };
        var restartAfter = new Option<double>("--restart-after") { Description = "Seconds a node that died stays down", DefaultValueFactory = _ => 5, HelpName = "S" };
        var tokens = new Option<double>("--tokens-per-second") { Description = "Decode rate of a simulated host's single stream", DefaultValueFactory = _ => 50, HelpName = "R" };
        var slots = new Option<int>("--slots") { Description = "Requests a simulated host serves at once", DefaultValueFactory = _ => 2, HelpName = "N" };
        var lab = new Command("lab", "Start a mesh of N nodes on this machine (loopback, no root) until Ctrl+C; writes DIR/lab.json once every node is linked.")
        {
            nodes, llmHosts, scenario, dir, churnEvery, restartAfter, tokens, slots,
        };
        lab.SetAction((result, cancellationToken) => LabRunner.RunAsync(new LabOptions
        {
            Nodes = result.GetValue(nodes),
            LlmHosts = result.GetValue(llmHosts),
            Scenario = result.GetValue(scenario) switch
            {
                "churn" => LabScenario.Churn,
                "slow-host" => LabScenario.SlowHost,
                "host-dies" => LabScenario.HostDies,
                _ => LabScenario.None,
            },
            Dir = result.GetValue(dir),
            ChurnEvery = TimeSpan.FromSeconds(result.GetValue(churnEvery)),
            RestartAfter = TimeSpan.FromSeconds(result.GetValue(restartAfter)),
            TokensPerSecond = result.GetValue(tokens),
            Slots = result.GetValue(slots),
        }, Console.Out, Console.Error, cancellationToken));

        return new RootCommand("meshmind-lab: a mesh on one machine (lab) and the evaluation of any mesh (eval), with a report.")
        {
            lab, EvalCommandLine.Create(),
        };
    }
}
