namespace MeshMind.Lab.Eval;

/// <summary>What a node's own counters said at one moment (from its <c>/metrics</c>), or that it did not answer.</summary>
/// <remarks>Channels: Bytes by network channel and direction ("discovery.in", "links.out", …) since the node started.</remarks>
internal sealed record NodeSample(long T, string Node, string Phase, bool Up, double CpuSeconds, double WorkingSetBytes,
    IReadOnlyDictionary<string, double> Channels, double FilesListed, double ProxiedBytes, double ServedBytes, double ChatsOk)
{
    public static NodeSample Down(long t, string node, string phase) => new(t, node, phase, false, 0, 0, new Dictionary<string, double>(), 0, 0, 0, 0);

    public static NodeSample From(long t, string node, string phase, Prometheus metrics)
    {
        var channels = new Dictionary<string, double>();
        foreach (var channel in metrics.LabelValues("meshmind_network_bytes_total", "channel"))
        {
            foreach (var direction in new[] { "in", "out" })
            {
                channels[$"{channel}.{direction}"] = metrics.Sum("meshmind_network_bytes_total", ("channel", channel), ("direction", direction));
            }
        }

        return new NodeSample(t, node, phase, true,
            metrics.Sum("dotnet_process_cpu_time_seconds_total"),
            metrics.Sum("dotnet_process_memory_working_set_bytes"),
            channels,
            metrics.Sum("http_server_request_duration_seconds_count", ("http_route", "/api/files"), ("http_request_method", "GET"), ("http_response_status_code", "200")),
            metrics.Sum("meshmind_files_bytes_total", ("operation", "proxied")),
            metrics.Sum("meshmind_files_bytes_total", ("operation", "served")),
            metrics.Sum("meshmind_chats_total", ("outcome", "ok")));
    }
}
