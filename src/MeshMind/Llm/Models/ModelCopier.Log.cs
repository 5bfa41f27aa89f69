namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    [LoggerMessage(EventId = 680, Level = LogLevel.Information, Message = "Copying model {Model} from '{Peer}' and {Others} other peers that hold it into {Target}")]
    private partial void LogStarting(string model, string peer, int others, string target);

    [LoggerMessage(EventId = 681, Level = LogLevel.Information, Message = "Copied model {Model} from '{Peer}'")]
    private partial void LogCopied(string model, string peer);

    [LoggerMessage(EventId = 682, Level = LogLevel.Information, Message = "Resuming blob {Digest}: {Verified} of {Size} bytes already verified")]
    private partial void LogResuming(string digest, long verified, long size);

    [LoggerMessage(EventId = 683, Level = LogLevel.Warning, Message = "Refused block {Index} of blob {Digest} from '{Peer}': it does not match the block list")]
    private partial void LogBlockRefused(int index, string digest, string peer);

    [LoggerMessage(EventId = 684, Level = LogLevel.Warning, Message = "Dropped '{Peer}' as a source of blob {Digest} for this copy ({Left} left): {Reason}")]
    private partial void LogSourceDropped(string peer, string digest, string reason, int left);
}
