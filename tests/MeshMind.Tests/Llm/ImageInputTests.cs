using System.ClientModel;
using System.Net;
using System.Text;
using MeshMind.Tests.Support;
using OllamaSharp;
using OllamaSharp.Models.Chat;
using OpenAI;
using OpenAI.Chat;
using static MeshMind.Tests.Llm.LlmNodes;

namespace MeshMind.Tests.Llm;

/// <summary>
/// Image inputs through a node without an LLM of its own: a real PNG sent with the official OpenAI .NET SDK (a data URL
/// content part) or OllamaSharp (base64 <c>images</c>, on chat and on generate) reaches the peer's Ollama byte for byte.
/// </summary>
public sealed class ImageInputTests : IAsyncLifetime
{
    /// <summary>A 2×2 RGBA PNG (red, green / blue, white), as a file would hold it.</summary>
    private static readonly byte[] s_png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAEklEQVR4nGP4z8DwHwyBNBgAAEnICff5q7YNAAAAAElFTkSuQmCC");

    private ThinAndHost _mesh = null!;

    public async ValueTask InitializeAsync() => _mesh = await ThinAndHost.StartAsync();

    public ValueTask DisposeAsync() => _mesh.DisposeAsync();


    private void AssertTheHostGotThePng()
    {
        var image = Assert.Single(_mesh.Ollama.LastImages);
        Assert.Equal(s_png, Convert.FromBase64String(image));
    }

    [Fact]
    public void ThePng_IsAPng()
    {
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], s_png[..8]);
        Assert.Equal("IEND"u8.ToArray(), s_png[^8..^4]);
    }

    [Fact]
    public async Task OpenAiSdk_ImageContentPart_ReachesTheHostByteForByte()
    {
        var client = new ChatClient("llama3", new ApiKeyCredential(_mesh.Key), new OpenAIClientOptions { Endpoint = _mesh.OpenAiEndpoint });
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("what colours are these?"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(s_png), "image/png"));

        ChatCompletion completion = await client.CompleteChatAsync([message], cancellationToken: Ct);

        Assert.Equal("Echo from llama3:latest: what colours are these?", completion.Content[0].Text);
        AssertTheHostGotThePng();
        Assert.Equal("what colours are these?", _mesh.Ollama.LastRequest!["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task OllamaSharp_ChatImage_ReachesTheHostByteForByte()
    {
        using var http = _mesh.Http("/ollama/");
        using var client = new OllamaApiClient(http);
        var text = new StringBuilder();

        await foreach (var chunk in client.ChatAsync(new ChatRequest
        {
            Model = "llama3",
            Messages = [new Message(ChatRole.User, "describe it", [Convert.ToBase64String(s_png)])],
        }, Ct))
        {
            text.Append(chunk?.Message?.Content);
        }

        Assert.Equal("Echo from llama3:latest: describe it", text.ToString());
        AssertTheHostGotThePng();
    }

    [Fact]
    public async Task OllamaSharp_GenerateImage_ReachesTheHostByteForByte()
    {
        using var http = _mesh.Http("/ollama/");
        using var client = new OllamaApiClient(http);
        var text = new StringBuilder();

        await foreach (var part in client.GenerateAsync(new OllamaSharp.Models.GenerateRequest
        {
            Model = "llama3",
            Prompt = "describe it",
            Images = [Convert.ToBase64String(s_png)],
        }, Ct))
        {
            text.Append(part!.Response);
        }

        Assert.Equal("Echo from llama3:latest: describe it", text.ToString());
        Assert.Equal("describe it", _mesh.Ollama.LastRequest!["prompt"]!.GetValue<string>());
        AssertTheHostGotThePng();
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}""")]
    [InlineData("""{"type":"image_url","image_url":{}}""")]
    [InlineData("""42""")]
    public async Task V1Chat_ImageThatIsNotADataUrl_400_NothingFetchedOrSent(string part)
    {
        using var http = _mesh.Http();
        var body = $$"""{"model":"llama3","messages":[{"role":"user","content":[{"type":"text","text":"look"},{{part}}]}]}""";

        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages", (await response.JsonAsync()).GetProperty("error").GetProperty("param").GetString());
        Assert.Equal(0, _mesh.Ollama.Requests);
    }
}
