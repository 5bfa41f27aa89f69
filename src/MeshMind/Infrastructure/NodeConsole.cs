namespace MeshMind.Infrastructure;

/// <summary>
/// Messages meant for the person who started the node, not for logs: the address it listens on and a generated
/// password, which must never reach a log sink.
/// </summary>
internal sealed class NodeConsole(TextWriter output)
{
    public void WriteLine(string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
