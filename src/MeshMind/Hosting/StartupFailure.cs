using System.Net.Sockets;
using System.Text.RegularExpressions;
using MeshMind.Infrastructure;
using MeshMind.Node;
using MeshMind.Web;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace MeshMind.Hosting;

/// <summary>Turns an exception that stopped the node from starting into one line that says what to change.</summary>
internal static partial class StartupFailure
{
    public static string Describe(Exception exception, IConfiguration configuration, HttpOptions? http)
    {
        // Kestrel names the endpoint it failed to bind; the mesh port is the only https:// one.
        if (exception is IOException { InnerException: AddressInUseException } && exception.Message.Contains("https://", StringComparison.Ordinal))
        {
            return Settings.Invalid("Mesh:Port", $"port {configuration["Mesh:Port"] ?? "7878"} is already in use by another program");
        }

        switch (exception)
        {
            case OptionsValidationException validation:
                return string.Join(Environment.NewLine, validation.Failures);
            case IOException io when io.InnerException is AddressInUseException || io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase):
                return Settings.Invalid("Http:Port", $"port {http?.Port} on {http?.BindAddress} is already in use by another program");
            case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.AccessDenied }:
                return Settings.Invalid("Http:Port", $"not allowed to listen on port {http?.Port} (ports below 1024 need administrator rights)");
            case IOException io when io.InnerException is SocketException { SocketErrorCode: SocketError.AddressNotAvailable }:
                return Settings.Invalid("Http:BindAddress", $"{http?.BindAddress} is not an address of this machine");
            case InvalidOperationException conversion when ConversionFailure().Match(conversion.Message) is { Success: true } match:
                var key = match.Groups["key"].Value;
                var value = match.Groups["value"].Success ? match.Groups["value"].Value : configuration[key];
                return Settings.Invalid(key, $"'{value}' is not a valid {match.Groups["type"].Value.Replace("System.", "", StringComparison.Ordinal)}");
            case DataDirectoryInUseException inUse:
                return Settings.Invalid("Node:DataDir", inUse.Message);
            case UnauthorizedAccessException or IOException:
                return Settings.Invalid("Node:DataDir", $"cannot use the data directory: {exception.Message}");
            default:
                return exception.InnerException is { } inner && exception is AggregateException or TypeInitializationException
                    ? Describe(inner, configuration, http)
                    : $"{exception.GetType().Name}: {exception.Message}";
        }
    }

    [GeneratedRegex(@"configuration value (?:'(?<value>[^']*)' )?at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
