using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public const int MaxLogFilePathLength = 4096;
    public const long MinLogFileBytes = 64 * 1024;
    public const long MaxLogFileBytes = 1024L * 1024 * 1024;
    public const int MaxLogFileCount = 100;

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var errors = new ValidationErrors();
        if (options.OtlpEndpoint.Length > 0)
        {
            errors.HttpUrl("Telemetry:OtlpEndpoint", options.OtlpEndpoint);
        }

        if (options.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            errors.Add("Telemetry:OtlpProtocol", "must be 'grpc' or 'http/protobuf'");
        }

        if (options.LogFormat is not ("simple" or "json"))
        {
            errors.Add("Telemetry:LogFormat", "must be 'simple' or 'json'");
        }

        errors.Range("Telemetry:LogDebounce", options.LogDebounce, TimeSpan.Zero, TimeSpan.FromHours(1));
        errors.Text("Telemetry:LogFile", options.LogFile, MaxLogFilePathLength, required: false);
        if (options.LogFile.Length is > 0 and <= MaxLogFilePathLength && !Path.IsPathFullyQualified(options.LogFile))
        {
            errors.Add("Telemetry:LogFile", $"'{options.LogFile}' is not an absolute path");
        }

        if (options.LogFileMaxBytes is < MinLogFileBytes or > MaxLogFileBytes)
        {
            errors.Add("Telemetry:LogFileMaxBytes", $"{options.LogFileMaxBytes} is outside {MinLogFileBytes}..{MaxLogFileBytes}");
        }

        if (options.LogFileCount is < 1 or > MaxLogFileCount)
        {
            errors.Add("Telemetry:LogFileCount", $"{options.LogFileCount} is outside 1..{MaxLogFileCount}");
        }

        return errors.Result();
    }
}
