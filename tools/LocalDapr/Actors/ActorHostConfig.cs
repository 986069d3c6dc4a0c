using System.Text.Json;
using System.Text.Json.Serialization;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// How the sidecar runs one actor type, from the app's `GET /dapr/config` (daprd pkg/config/app_configuration.go,
/// pkg/actors/api/config.go). Defaults are daprd's: idle 60 min, drain 2 s, reentrancy off, stack depth 32.
/// </summary>
public sealed record ActorTypeOptions(
    TimeSpan IdleTimeout,
    TimeSpan DrainOngoingCallTimeout,
    bool DrainRebalancedActors,
    bool ReentrancyEnabled,
    int MaxStackDepth)
{
    public static ActorTypeOptions Default { get; } = new(TimeSpan.FromMinutes(60), TimeSpan.FromSeconds(2), true, false, 32);
}

/// <summary>
/// The actor types an app instance hosts, each with its options.
/// </summary>
public sealed record ActorHostConfig(IReadOnlyDictionary<string, ActorTypeOptions> Types)
{
    public static ActorHostConfig None { get; } = new(new Dictionary<string, ActorTypeOptions>());

    // Go's encoding/json matches keys case-insensitively, so the SDK's camelCase and any other casing work.
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>
    /// Reads the app's answer. Durations are Go durations (the SDK writes `1h0m0s0ms`); `actorScanInterval` and
    /// `remindersStoragePartitions` are accepted and ignored, as daprd ignores them today.
    /// </summary>
    public static ActorHostConfig Parse(string json)
    {
        var body = JsonSerializer.Deserialize<ConfigBody>(json, Json) ?? new ConfigBody();
        var global = Merge(ActorTypeOptions.Default, body);
        var types = new Dictionary<string, ActorTypeOptions>(StringComparer.Ordinal);
        foreach (var type in body.Entities ?? [])
        {
            types[type] = global;
        }

        foreach (var entry in body.EntitiesConfig ?? [])
        {
            var options = Merge(global, entry);
            foreach (var type in entry.Entities ?? [])
            {
                // daprd only applies per-type options to types the app declared in `entities`.
                if (types.ContainsKey(type))
                {
                    types[type] = options;
                }
            }
        }

        return new ActorHostConfig(types);
    }

    private static ActorTypeOptions Merge(ActorTypeOptions fallback, ConfigBody body) => new(
        Duration(body.ActorIdleTimeout, "actorIdleTimeout") ?? fallback.IdleTimeout,
        Duration(body.DrainOngoingCallTimeout, "drainOngoingCallTimeout") ?? fallback.DrainOngoingCallTimeout,
        body.DrainRebalancedActors ?? fallback.DrainRebalancedActors,
        body.Reentrancy?.Enabled ?? fallback.ReentrancyEnabled,
        body.Reentrancy?.MaxStackDepth ?? fallback.MaxStackDepth);

    private static TimeSpan? Duration(string? text, string field) =>
        string.IsNullOrEmpty(text) ? null
        : DaprDurations.TryParseGoDuration(text, out var value) ? value
        : throw new FormatException($"/dapr/config: '{field}' is not a duration: '{text}'");

    private sealed class ConfigBody
    {
        public List<string>? Entities { get; set; }

        public string? ActorIdleTimeout { get; set; }

        public string? DrainOngoingCallTimeout { get; set; }

        public bool? DrainRebalancedActors { get; set; }

        public ReentrancyBody? Reentrancy { get; set; }

        [JsonPropertyName("entitiesConfig")]
        public List<ConfigBody>? EntitiesConfig { get; set; }
    }

    private sealed class ReentrancyBody
    {
        public bool? Enabled { get; set; }

        public int? MaxStackDepth { get; set; }
    }
}
