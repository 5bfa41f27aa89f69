using ArchUnitNET.Domain.Dependencies;
using ArchUnitNET.Loader;
using MeshMind.Hosting;

namespace MeshMind.Tests.Architecture;

/// <summary>
/// The folder charter of README.md's "Architecture" section, enforced on the node's compiled code: each top-level folder
/// (one namespace, <c>MeshMind.X</c> and below) may use only the folders listed for it. A new dependency across a wall
/// fails here, naming the types; so does a new top-level folder that the charter does not mention.
/// </summary>
public sealed class CharterTests
{
    private static readonly ArchUnitNET.Domain.Architecture s_node = new ArchLoader().LoadAssemblies(typeof(NodeHost).Assembly).Build();

    /// <summary>Folder → the folders it may use. Keep in step with README.md's charter.</summary>
    private static readonly Dictionary<string, string[]> s_charter = new()
    {
        { "Infrastructure", [] },
        { "Node", ["Infrastructure"] },
        { "Storage", ["Node", "Infrastructure"] },
        { "Web", ["Infrastructure"] },
        { "Telemetry", ["Storage", "Node", "Infrastructure"] },
        { "Mesh", ["Storage", "Node", "Infrastructure"] },
        { "Discovery", ["Mesh", "Node", "Infrastructure"] },
        { "Auth", ["Web", "Storage", "Node", "Infrastructure"] },
        { "Llm", ["Discovery", "Mesh", "Node", "Infrastructure"] },
        { "Files", ["Mesh", "Storage", "Node", "Infrastructure"] },
        { "Knowledge", ["Llm", "Files", "Mesh", "Storage", "Node", "Infrastructure"] },
        { "Conversations", ["Llm", "Files", "Knowledge", "Mesh", "Storage", "Node", "Infrastructure"] },
        { "Analytics", ["Mesh", "Storage", "Infrastructure"] },
        { "Overview", ["Llm", "Discovery", "Mesh", "Node", "Infrastructure"] },
        { "Diagnostics", ["Llm", "Discovery", "Mesh", "Web", "Node", "Infrastructure"] },
        { "Preferences", ["Llm", "Discovery", "Node", "Infrastructure"] },
        { "Evaluation", ["Auth", "Web", "Node", "Infrastructure"] },
        { "Hosting", ["Analytics", "Auth", "Conversations", "Diagnostics", "Discovery", "Evaluation", "Files", "Infrastructure", "Knowledge", "Llm", "Mesh", "Node", "Overview", "Preferences", "Storage", "Telemetry", "Web"] },
    };

    public static TheoryData<string, string[]> Charter => new(s_charter.Select(row => (row.Key, row.Value)));

    private static IEnumerable<string> Folders => s_charter.Keys;

    [Theory]
    [MemberData(nameof(Charter))]
    public void Folder_UsesOnlyWhatItsCharterAllows(string folder, string[] allowed)
    {
        var forbidden = Folders.Where(other => other != folder && !allowed.Contains(other)).ToList();

        var violations = Violations(s_node, folder, forbidden);

        Assert.True(violations.Count == 0,
            $"{folder} may use only {(allowed.Length == 0 ? "nothing of MeshMind" : string.Join(", ", allowed))}, but:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryTopLevelFolder_HasACharter()
    {
        var namespaces = s_node.Namespaces.Select(n => n.FullName)
            .Where(n => n.StartsWith("MeshMind.", StringComparison.Ordinal))
            .Select(n => n.Split('.')[1])
            .Distinct()
            .Order(StringComparer.Ordinal);

        Assert.Empty(namespaces.Except(Folders));
    }

    /// <summary>Every dependency of a type in <paramref name="folder"/> on a type in one of <paramref name="forbidden"/>, as "origin → target (member)".</summary>
    /// <remarks>
    /// ArchUnitNET folds the configuration binder's generated code (one file-local class that binds every options type)
    /// into each caller of <c>BindConfiguration</c>, so a folder's <c>AddXOptions</c> would seem to use every folder's
    /// options class. Those edges (from an <c>Add…Options</c> method to an <c>…Options</c> class) are the generator's, not the code's.
    /// </remarks>
    internal static IReadOnlyList<string> Violations(ArchUnitNET.Domain.Architecture architecture, string folder, IReadOnlyCollection<string> forbidden) =>
        [.. architecture.Types
            .Where(type => InFolder(type.FullName, folder))
            .SelectMany(type => type.Dependencies)
            .Where(dependency => forbidden.Any(f => InFolder(dependency.Target.FullName, f)) && !FromGeneratedBinder(dependency))
            .Select(dependency => $"{dependency.Origin.FullName} → {dependency.Target.FullName}"
                + (dependency is IMemberTypeDependency member ? $" (in {member.OriginMember.Name})" : ""))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    /// <summary>Whether a type (by its full name, which begins with its namespace) is in <c>MeshMind.{folder}</c> or below.</summary>
    private static bool InFolder(string typeFullName, string folder) => typeFullName.StartsWith("MeshMind." + folder + ".", StringComparison.Ordinal);

    private static bool FromGeneratedBinder(ITypeDependency dependency) =>
        dependency is IMemberTypeDependency { OriginMember.Name: var origin }
        && origin.Contains("Options(", StringComparison.Ordinal) && origin.StartsWith("Add", StringComparison.Ordinal)
        && dependency.Target.Name.EndsWith("Options", StringComparison.Ordinal);
}
