using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshMind.Infrastructure;

namespace MeshMind.Files;

/// <summary>
/// File transfers (meter <c>MeshMind.Files</c>): <c>meshmind.files.transfers</c> (bytes, one measurement per transfer)
/// {operation, peer.node_id, peer.name}, and <c>meshmind.files.bytes</c> {operation} since start. Operations: upload,
/// download (this node's file to a person), proxied (a peer's file through this node), served (this node's file to a peer).
/// </summary>
internal sealed class FileMetrics
{
    public const string MeterName = "MeshMind.Files";
    private readonly Counter<long> _transfers;
    private readonly RunningTotals _totals = new("operation");

    public FileMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _transfers = meter.CreateCounter<long>("meshmind.files.transfers", "By", "File transfers by operation and peer (one measurement per transfer)");
        meter.CreateObservableCounter("meshmind.files.bytes", _totals.Observe, "By", "File bytes by operation (upload, download, proxied, served)");
    }

    public void Upload(long bytes) => Add("upload", bytes, null, null);

    public void Download(long bytes) => Add("download", bytes, null, null);

    /// <summary>A peer's file fetched through this node's proxy.</summary>
    public void Proxied(string nodeId, string name, long bytes) => Add("proxied", bytes, nodeId, name);

    /// <summary>This node's file (or replica) sent to a peer over the mesh port.</summary>
    public void Served(string nodeId, string name, long bytes) => Add("served", bytes, nodeId, name);

    private void Add(string operation, long bytes, string? nodeId, string? name)
    {
        _transfers.Add(bytes, new TagList { { "operation", operation }, { "peer.node_id", nodeId }, { "peer.name", name } });
        _totals.Add(bytes, operation);
    }
}
