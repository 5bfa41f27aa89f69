using MeshMind.Infrastructure;

namespace MeshMind.Web;

/// <summary>
/// Answers <c>421 Misdirected Request</c> to a request on the people-facing port whose <c>Host</c> does not name this node
/// (<see cref="HostAllowlist"/>), with what to configure to allow it. The mesh port has its own branch and never gets here.
/// </summary>
internal sealed partial class HostFilter(RequestDelegate next, HostAllowlist allowlist, ILogger<HostFilter> logger)
{
    private const int MaxShownLength = 100;

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (!host.HasValue || allowlist.IsAllowed(host.Host))
        {
            return next(context);
        }

        var shown = host.Host.Length > MaxShownLength ? host.Host[..MaxShownLength] + "…" : host.Host;
        LogRefused(logger, shown);
        return ApiResults.WriteErrorAsync(context, StatusCodes.Status421MisdirectedRequest,
            $"'{shown}' is not a name of this node, so the request was refused (protection against DNS rebinding). If you reach the node by "
            + $"this name, add it to Http:AllowedHosts (for example MESHMIND__Http__AllowedHosts__0={shown}, or * to allow any name).");
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Warning,
        Message = "Refused a request for host '{Host}': not a name of this node (add it to Http:AllowedHosts if it is)")]
    private static partial void LogRefused(ILogger logger, string host);
}
