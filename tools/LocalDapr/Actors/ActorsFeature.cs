using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// Virtual actors for every sidecar of the runtime: discovery through the app's `GET /dapr/config`, runtime-wide
/// placement, turn-based concurrency, actor state, reminders, timers and idle deactivation.
/// </summary>
public sealed class ActorsFeature : ISidecarFeature, ISidecarMetadataSource, IAsyncDisposable
{
    /// <summary>
    /// The least time between two looks for idle actors; an idle actor goes between its idle timeout and this much
    /// later.
    /// </summary>
    public static readonly TimeSpan IdleScanInterval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ActorHost> _hosts = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    public ActorsFeature(IActorStateStore stateStore, TimeProvider time, ILoggerFactory loggers)
    {
        _logger = loggers.CreateLogger("LocalDapr.Actors");
        StateStore = stateStore;
        Runtime = new ActorRuntime(new ActorPlacement(), time, _logger);
        Reminders = new ActorReminders(Runtime, _logger);
        Timers = new ActorTimers(Runtime, _logger);
        Runtime.Start(IdleScanInterval);
    }

    public IActorStateStore StateStore { get; }

    public ActorRuntime Runtime { get; }

    public ActorReminders Reminders { get; }

    public ActorTimers Timers { get; }

    public void MapHttp(IEndpointRouteBuilder endpoints) => ActorsApi.MapHttp(endpoints, this);

    /// <summary>
    /// The .NET SDK calls actors over HTTP only; the gRPC actor methods are not served (see <see cref="ActorsApi"/>).
    /// </summary>
    public void MapGrpc(DaprGrpcMethods methods)
    {
    }

    /// <summary>
    /// Asks the app which actor types it hosts; a non-200 answer means none (as daprd).
    /// </summary>
    public async Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        if (!sidecar.App.SpeaksHttp)
        {
            return;
        }

        ActorHostConfig config;
        try
        {
            config = await DiscoverAsync(sidecar, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or FormatException)
        {
            sidecar.Logger.LogWarning("Actors: reading /dapr/config of {AppId} failed, it hosts no actors: {Error}", sidecar.AppId, e.Message);
            return;
        }

        if (config.Types.Count == 0)
        {
            return;
        }

        var host = new ActorHost(sidecar, config);
        lock (_gate)
        {
            _hosts[sidecar.Instance.InstanceName] = host;
        }

        sidecar.Logger.LogInformation("Actors: {Instance} hosts {ActorTypes}", host.Name, string.Join(", ", config.Types.Keys));
        await Runtime.HostAddedAsync(host, cancellationToken);
    }

    /// <summary>
    /// Its actors are deactivated and move to other hosts at their next call; reminders stay.
    /// </summary>
    public async Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        ActorHost? host;
        lock (_gate)
        {
            _hosts.Remove(sidecar.Instance.InstanceName, out host);
        }

        if (host is not null)
        {
            await Runtime.HostStoppedAsync(host, cancellationToken);
        }
    }

    /// <summary>
    /// Active actors per type on the sidecar's app instance, for `/v1.0/metadata` (`actorRuntime.activeActors`).
    /// </summary>
    public IReadOnlyDictionary<string, int> ActiveActorCounts(Sidecar sidecar)
    {
        lock (_gate)
        {
            if (!_hosts.TryGetValue(sidecar.Instance.InstanceName, out var host))
            {
                return new Dictionary<string, int>();
            }

            var counts = Runtime.ActiveCounts(host);
            return host.Config.Types.Keys.ToDictionary(t => t, t => counts.GetValueOrDefault(t), StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// daprd's `/v1.0/metadata` actor fields (pkg/api/http/metadata.go): `actors` (deprecated alias) and
    /// `actorRuntime{runtimeStatus,activeActors,hostReady,placement}`; counts per type hosted by this instance.
    /// </summary>
    public IEnumerable<KeyValuePair<string, object?>> Metadata(Sidecar sidecar)
    {
        var active = ActiveActorCounts(sidecar).Select(c => new ActiveActorsCount(c.Key, c.Value)).ToList();
        if (active.Count > 0)
        {
            yield return new("actors", active);
        }

        yield return new("actorRuntime", new ActorRuntimeMetadata("RUNNING", active.Count > 0 ? active : null, active.Count > 0, "placement: connected"));
    }

    public async ValueTask DisposeAsync()
    {
        Reminders.Dispose();
        await Runtime.DisposeAsync();
    }

    private static async Task<ActorHostConfig> DiscoverAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("dapr/config", UriKind.Relative));
        using var response = await sidecar.App.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ActorHostConfig.None;
        }

        var json = await response.Content.ReadAsStringAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(json) ? ActorHostConfig.None : ActorHostConfig.Parse(json);
    }
}

public sealed record ActiveActorsCount(string Type, int Count);

public sealed record ActorRuntimeMetadata(
    string RuntimeStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ActiveActorsCount>? ActiveActors,
    bool HostReady,
    string Placement);
