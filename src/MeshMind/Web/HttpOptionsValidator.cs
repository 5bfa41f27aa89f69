using System.Net;
using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Web;

internal sealed class HttpOptionsValidator : IValidateOptions<HttpOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpOptions options)
    {
        var errors = new ValidationErrors();
        errors.Port("Http:Port", options.Port);
        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            errors.Add("Http:BindAddress", $"'{options.BindAddress}' is not an IP address (use 0.0.0.0 for all interfaces, 127.0.0.1 for this machine only)");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
            {
                errors.Add("Http:AllowedOrigins", $"'{origin}' is not an origin like https://host:port");
            }
        }

        foreach (var host in options.AllowedHosts)
        {
            if (!IsHostPattern(host))
            {
                errors.Add("Http:AllowedHosts", $"'{host}' is not a host name, address, *.domain or * (give names without scheme or port)");
            }
        }

        if (options.MaxRequestBodyBytes < 1024)
        {
            errors.Add("Http:MaxRequestBodyBytes", $"{options.MaxRequestBodyBytes} is below the minimum of 1024");
        }

        return errors.Result();
    }

    private static bool IsHostPattern(string entry)
    {
        var host = entry.Trim();
        if (host == "*")
        {
            return true;
        }

        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            host = host[2..];
        }
        else if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return Uri.CheckHostName(host.TrimEnd('.')) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
    }
}
