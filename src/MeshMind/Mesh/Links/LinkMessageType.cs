using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Mesh.Links;

/// <summary>One kind of link message: its <c>type</c> name on the wire, its CLR type and where its (source-generated) JSON contract comes from.</summary>
/// <remarks>The contract itself is made at the first message, not at registration: a node builds none of them before it links.</remarks>
internal sealed record LinkMessageType(string Name, Type Type, IJsonTypeInfoResolver Resolver)
{
    public static LinkMessageType Of<T>(string name, IJsonTypeInfoResolver resolver) where T : LinkMessage => new(name, typeof(T), resolver);
}
