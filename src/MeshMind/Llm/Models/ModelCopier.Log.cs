namespace MeshMind.Llm.Models;

internal sealed partial class ModelCopier
{
    [LoggerMessage(EventId = 680, Level = LogLevel.Information, Message = "Copying model {Model} from '{Peer}' into {Target}")]
    private partial void LogStarting(string model, string peer, string target);

    [LoggerMessage(EventId = 681, Level = LogLevel.Information, Message = "Copied model {Model} from '{Peer}'")]
    private partial void LogCopied(string model, string peer);

    [LoggerMessage(EventId = 682, Level = LogLevel.Information, Message = "Resuming blob {Digest}: {Verified} of {Size} bytes already verified")]
    private partial void LogResuming(string digest, long verified, long size);

    [LoggerMessage(EventId = 683, Level = LogLevel.Warning, Message = "Refused block {Index} of blob {Digest} from '{Peer}': it does not match the block list")]
    private partial void LogBlockRefused(int index, string digest, string peer);
}
