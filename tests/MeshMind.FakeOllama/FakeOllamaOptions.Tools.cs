using System.Text.Json.Nodes;

namespace MeshMind.FakeOllama;

public sealed partial class FakeOllamaOptions
{
    /// <summary>The arguments of the tool call the fixture answers a chat with tools with; null: <c>{}</c>.</summary>
    public JsonObject? ToolArguments { get; set; }
}
