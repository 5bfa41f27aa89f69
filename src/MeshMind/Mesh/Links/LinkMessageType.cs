using System.Text.Json.Serialization.Metadata;

namespace MeshMind.Mesh.Links;

/// <summary>One kind of link message: its <c>type</c> name on the wire, its CLR type and its (source-generated) JSON contract.</summary>
internal sealed record LinkMessageType(string Name, Type Type, IJsonTypeInfoResolver Resolver)
{
    public static LinkMessageType Of<T>(string name, JsonTypeInfo<T> json) where T : LinkMessage =>
        new(name, typeof(T), json.OriginatingResolver ?? throw new ArgumentException($"{typeof(T).Name}'s JSON contract has no resolver", nameof(json)));
}
