using System.Text.Json.Serialization;

namespace MeshMind.Preferences;

/// <summary>
/// One setting: the value the running node uses, the value saved on the Settings screen (null when none is),
/// <c>set_elsewhere</c> when a flag or environment variable sets it and wins over a saved value (it names them), and
/// <c>restart_needed</c> when a saved value waits for the next start.
/// </summary>
internal sealed record SettingValue(string Current, string? Saved, string? SetElsewhere, bool RestartNeeded);

/// <summary><c>GET /api/settings</c>: the settings the web UI changes, and where they are saved.</summary>
internal sealed record SettingsResponse(SettingValue Name, SettingValue DefaultModel, SettingValue DiscoveryMode, bool RestartNeeded, string File);

/// <summary>Body of <c>PUT /api/settings</c>: each field given is saved; one left out (or null) stays as it is.</summary>
internal sealed record SettingsUpdate(string? Name, string? DefaultModel, string? DiscoveryMode);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SettingsResponse))]
[JsonSerializable(typeof(SettingsUpdate))]
internal sealed partial class PreferencesJsonContext : JsonSerializerContext;
