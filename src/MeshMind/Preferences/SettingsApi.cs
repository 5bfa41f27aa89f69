using MeshMind.Discovery;
using MeshMind.Infrastructure;
using MeshMind.Llm;
using MeshMind.Node;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace MeshMind.Preferences;

/// <summary>
/// <c>GET /api/settings</c> and <c>PUT /api/settings</c>: this node's name, its default model and its discovery mode, saved in
/// <c>settings.json</c> (<see cref="SavedSettings"/>) for the next start. Each answer says what the node uses now, what is
/// saved, and whether a restart is needed or a flag wins.
/// </summary>
internal static class SettingsApi
{
    public const string NameKey = "Node:Name";
    public const string DefaultModelKey = "Llm:DefaultModel";
    public const string DiscoveryModeKey = "Discovery:Mode";
    public const int MaxModelLength = 200;

    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/settings", Get).Produces<SettingsResponse>();
        endpoints.MapPut("/api/settings", UpdateAsync)
            .AcceptsJson<SettingsUpdate>()
            .Produces<SettingsResponse>()
            .ProducesErrors(400, 413, 415);
        return endpoints;
    }

    private static JsonHttpResult<SettingsResponse> Get(
        SavedSettings saved, SettingLayers layers, NodeInfo node, IOptions<LlmOptions> llm, IOptions<DiscoveryOptions> discovery) =>
        TypedResults.Json(Describe(saved, layers, node, llm.Value, discovery.Value), PreferencesJsonContext.Default.SettingsResponse);

    private static async Task<IResult> UpdateAsync(
        HttpContext context, SavedSettings saved, SettingLayers layers, NodeInfo node, IOptions<LlmOptions> llm, IOptions<DiscoveryOptions> discovery)
    {
        var (update, error) = await JsonBody.ReadAsync(context.Request, PreferencesJsonContext.Default.SettingsUpdate, maxBytes: 4096);
        if (error is not null)
        {
            return error;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (update!.Name is { } name)
        {
            name = name.Trim();
            if (name.Length is 0 or > NodeOptionsValidator.MaxNameLength || name.Any(char.IsControl))
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, $"name: give this node a name of 1 to {NodeOptionsValidator.MaxNameLength} printable characters");
            }

            values[NameKey] = name;
        }

        if (update.DefaultModel is { } model)
        {
            model = model.Trim();
            if (model.Length > MaxModelLength || model.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest,
                    $"default_model: a model name has at most {MaxModelLength} characters and no spaces (empty: the first model a host offers)");
            }

            values[DefaultModelKey] = model;
        }

        if (update.DiscoveryMode is { } mode)
        {
            mode = mode.Trim().ToLowerInvariant();
            if (!DiscoveryOptions.Modes.Contains(mode, StringComparer.Ordinal))
            {
                return ApiResults.Error(StatusCodes.Status400BadRequest, $"discovery_mode: '{update.DiscoveryMode}' is not one of {string.Join(", ", DiscoveryOptions.Modes)}");
            }

            values[DiscoveryModeKey] = mode;
        }

        if (values.Count > 0)
        {
            saved.Write(values);
        }

        return TypedResults.Json(Describe(saved, layers, node, llm.Value, discovery.Value), PreferencesJsonContext.Default.SettingsResponse);
    }

    private static SettingsResponse Describe(SavedSettings saved, SettingLayers layers, NodeInfo node, LlmOptions llm, DiscoveryOptions discovery)
    {
        SettingValue Value(string key, string current, bool ignoreCase = false)
        {
            var stored = saved.Read(key);
            var elsewhere = layers.SetAbove(key) ? HowToSetAbove(key) : null;
            var differs = stored is not null && !string.Equals(stored, current, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            return new SettingValue(current, stored, elsewhere, differs && elsewhere is null);
        }

        var name = Value(NameKey, node.Name);
        var model = Value(DefaultModelKey, llm.DefaultModel);
        var mode = Value(DiscoveryModeKey, discovery.Mode.ToLowerInvariant(), ignoreCase: true);
        return new SettingsResponse(name, model, mode, name.RestartNeeded || model.RestartNeeded || mode.RestartNeeded, saved.Path);
    }

    /// <summary>The ways to set a key that win over <c>settings.json</c>: its flag, if it has one, and its environment variable.</summary>
    private static string HowToSetAbove(string key) =>
        string.Join(" or ", Settings.HowToSet(key).Split(", ").Where(way => !way.Contains("appsettings.json", StringComparison.Ordinal)));
}
