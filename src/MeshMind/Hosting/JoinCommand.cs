using MeshMind.Mesh;
using MeshMind.Mesh.Admission;
using MeshMind.Mesh.Invites;
using MeshMind.Mesh.Peers;
using MeshMind.Node;
using MeshMind.Storage;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>
/// <c>meshmind join CODE [--data-dir DIR]</c>, on a new device: redeems an invite (<see cref="InviteRedeemer"/>), stores the mesh secret
/// where the node reads it (<c>p2p_secret.txt</c> in DIR), pins the inviting node and keeps it as a static peer, so the next
/// <c>meshmind run</c> on DIR links to the mesh at once, even from another subnet. The node must not be running on DIR (a running
/// node joins from its Network screen instead).
/// </summary>
internal static class JoinCommand
{
    /// <returns>0 once joined; 2 when not (the reason is written to <see cref="NodeLaunch.Error"/>).</returns>
    public static async Task<int> RunAsync(NodeLaunch launch, string text, CancellationToken cancellationToken)
    {
        InviteCode code;
        try
        {
            code = InviteCode.Parse(text);
        }
        catch (InviteCodeException ex)
        {
            return await InviteCommand.FailAsync(launch, ex.Message);
        }

        var configuration = NodeConfiguration.Build(launch.CommandLine, launch.Environment, launch.WorkingDirectory, launch.BaseDirectory);
        await using var provider = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddAllOptions()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<DataDirectory>()
            .AddSingleton<NodeIdentity>()
            .AddSingleton<Database>()
            .AddSingleton<PeerStore>()
            .AddSingleton<StaticPeerStore>()
            .AddSingleton<SecretScheduleStore>()
            .AddSingleton<InviteRedeemer>()
            .BuildServiceProvider();

        NodeOptions node;
        MeshOptions mesh;
        try
        {
            node = provider.GetRequiredService<IOptions<NodeOptions>>().Value;
            mesh = provider.GetRequiredService<IOptions<MeshOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return await InviteCommand.FailAsync(launch, string.Join(Environment.NewLine, ex.Failures));
        }

        // Everything that could stop the join is checked before the invite is used up.
        if (MeshSecretFile.Writable(mesh, node.FullDataDir, out var reason) is not { } secretFile)
        {
            return await InviteCommand.FailAsync(launch, reason + "; the node would not use the joined one");
        }

        var directory = provider.GetRequiredService<DataDirectory>();
        try
        {
            directory.Lock();
        }
        catch (DataDirectoryInUseException ex)
        {
            return await InviteCommand.FailAsync(launch, ex.Message + " To join with a running node, paste the code under Join a mesh on its Network screen.");
        }

        await provider.GetRequiredService<Database>().MigrateAsync(Migrations.All, cancellationToken);
        RedeemedInvite invite;
        try
        {
            invite = await provider.GetRequiredService<InviteRedeemer>().RedeemAsync(code, node.EffectiveName, cancellationToken);
        }
        catch (InviteFailedException ex)
        {
            return await InviteCommand.FailAsync(launch, ex.Message);
        }

        var replaced = File.Exists(secretFile);
        MeshSecretFile.Write(secretFile, [invite.Secret]);
        await provider.GetRequiredService<SecretScheduleStore>().SaveAsync([new SecretSchedule(MeshKeys.Derive(invite.Secret).Id, invite.SecretSince, null)],
            cancellationToken);
        await provider.GetRequiredService<PeerStore>().AdmitAsync(invite.NodeId, invite.Name, invite.Endpoint.Address.ToString(), cancellationToken);
        var address = new PeerAddress(invite.Endpoint.Address.ToString(), invite.Endpoint.Port).ToString();
        await provider.GetRequiredService<StaticPeerStore>().AddAsync(address, invite.NodeId, cancellationToken);

        await launch.Output.WriteLineAsync($"meshmind: joined the mesh of '{invite.Name}' ({invite.NodeId[..12]}) at {address}; "
            + $"the mesh secret is in {secretFile}{(replaced ? " (it replaces the one there before: this node has left its old mesh)" : "")}.");
        await launch.Output.WriteLineAsync($"meshmind: start the node with `meshmind run --data-dir {node.FullDataDir}`; it links to '{invite.Name}' at once.");
        return 0;
    }
}
