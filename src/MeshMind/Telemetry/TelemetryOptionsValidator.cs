using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
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
        return errors.Result();
    }
}
