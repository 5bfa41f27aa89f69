namespace MeshMind.Tests.Namespaces;

/// <summary>Namespace labs run one at a time: each starts several nodes, and the machine has two cores.</summary>
[CollectionDefinition(nameof(NamespaceLabs), DisableParallelization = true)]
public sealed class NamespaceLabs;
