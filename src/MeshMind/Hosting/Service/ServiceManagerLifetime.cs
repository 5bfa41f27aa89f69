namespace MeshMind.Hosting.Service;

/// <summary>How the node lives under a service manager (<c>meshmind service install</c>).</summary>
internal static class ServiceManagerLifetime
{
    /// <summary>
    /// Under systemd (<c>Type=notify</c>): tells it when the node is ready and when it stops, and logs in journald's format.
    /// Under the Windows service control manager: answers its start and stop requests, and logs to the Event Log too.
    /// Started any other way, neither does anything.
    /// </summary>
    /// <remarks>
    /// The <see cref="IServiceCollection"/> forms, not <c>Host.UseWindowsService()</c>: on a <c>WebApplicationBuilder</c> that
    /// one changes the content root after the builder has fixed it, which the builder refuses.
    /// </remarks>
    public static IServiceCollection AddServiceManagerLifetime(this IServiceCollection services) =>
        services.AddSystemd().AddWindowsService();
}
