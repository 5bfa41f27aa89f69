using System.Globalization;
using MeshMind.FakeOllama;

// A scripted Ollama-protocol server for tests, benchmarks and demos (never the product's LLM):
//   dotnet run --project tests/MeshMind.FakeOllama -- [--port 11434] [--address 127.0.0.1] [--token-delay-ms 20 | --tokens-per-second 1000]
//        [--models llama3:latest,phi3:mini] [--reply TEXT] [--fault none|refuse|servererror|dieaftertokens|stallaftertokens] [--fault-after N]
//        [--pullable llama3.2:1b,qwen2.5:0.5b] [--pull-bytes-per-second 50000000] [--models-dir DIR]
//   A simulated GPU (GpuOptions; any of these turns it on, the others keep their defaults):
//        [--gpu-slots 4] [--gpu-max-queue 512] [--gpu-tokens-per-second 50] [--gpu-scaling 0.5] [--gpu-prefill 1000]
//        [--gpu-chars-per-token 4] [--gpu-prefix-cache N] [--gpu-load-ms 2000] [--gpu-keep-alive 5m]
var options = new FakeOllamaOptions();
GpuOptions Gpu() => options.Gpu ??= new GpuOptions();
double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);
var port = 11434;
var address = "127.0.0.1";
for (var i = 0; i + 1 < args.Length; i += 2)
{
    var value = args[i + 1];
    switch (args[i])
    {
        case "--port": port = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--address": address = value; break;
        case "--token-delay-ms": options.TokenDelay = TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
        case "--tokens-per-second": options.TokensPerSecond = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--models": options.Models = [.. value.Split(',').Select(n => new FakeModel(n, n.Split(':')[0], "7B", 4_000_000_000))]; break;
        case "--reply": options.Reply = value; break;
        case "--pullable": options.Pullable = [.. value.Split(',').Select(n => new FakeModel(n, n.Split(':')[0], "7B", 4_000_000_000))]; break;
        case "--pull-bytes-per-second": options.PullBytesPerSecond = Number(value); break;
        case "--models-dir": options.ModelsDir = value; break;
        case "--fault": options.Fault = Enum.Parse<FakeFault>(value, ignoreCase: true); break;
        case "--fault-after": options.FaultAfterTokens = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--gpu-slots": Gpu().Slots = (int)Number(value); break;
        case "--gpu-max-queue": Gpu().MaxQueue = (int)Number(value); break;
        case "--gpu-tokens-per-second": Gpu().TokensPerSecond = Number(value); break;
        case "--gpu-scaling": Gpu().ScalingExponent = Number(value); break;
        case "--gpu-prefill": Gpu().PrefillTokensPerSecond = Number(value); break;
        case "--gpu-chars-per-token": Gpu().CharsPerToken = Number(value); break;
        case "--gpu-prefix-cache": Gpu().PrefixCacheEntries = (int)Number(value); break;
        case "--gpu-load-ms": Gpu().LoadTime = TimeSpan.FromMilliseconds(Number(value)); break;
        case "--gpu-keep-alive" when OllamaDuration.TryParse(value, out var keepAlive): Gpu().KeepAlive = keepAlive; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

await using var server = await FakeOllamaServer.StartAsync(options, address, port);
Console.WriteLine($"fake ollama listening on {server.BaseAddress} with {string.Join(", ", options.Models.Select(m => m.Name))}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
await stop.Task;
return 0;
