using MeshMind.Infrastructure;
using Microsoft.Extensions.Options;

namespace MeshMind.Analytics;

internal sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions options)
    {
        var errors = new ValidationErrors();
        errors.Range("Analytics:Retention", options.Retention, TimeSpan.FromDays(1), TimeSpan.FromDays(3650));
        errors.Range("Analytics:MinuteRetention", options.MinuteRetention, TimeSpan.FromHours(24), TimeSpan.FromDays(31));
        errors.Range("Analytics:FlushInterval", options.FlushInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1));
        return errors.Result();
    }
}
