using System.Net;
using Microsoft.Extensions.Options;

namespace MeshMind.Infrastructure;

/// <summary>Collects option problems, each phrased with the setting to change (see <see cref="Settings.Invalid"/>).</summary>
internal sealed class ValidationErrors
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add(Settings.Invalid(key, problem));

    public void Port(string key, int value, int minimum = 0)
    {
        if (value < minimum || value > IPEndPoint.MaxPort)
        {
            Add(key, $"{value} is not a port number ({minimum}-{IPEndPoint.MaxPort})");
        }
    }

    public void HttpUrl(string key, string? value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Add(key, $"'{value}' is not an absolute http:// or https:// URL");
        }
    }

    public void Text(string key, string? value, int maxLength, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(key, "must not be empty");
            }

            return;
        }

        if (value.Length > maxLength)
        {
            Add(key, $"is longer than {maxLength} characters");
        }
        else if (value.Any(char.IsControl))
        {
            Add(key, "contains control characters");
        }
    }

    public void Range(string key, TimeSpan value, TimeSpan minimum, TimeSpan maximum)
    {
        if (value < minimum || value > maximum)
        {
            Add(key, $"{value} is outside {minimum}..{maximum}");
        }
    }

    public ValidateOptionsResult Result() => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);
}
