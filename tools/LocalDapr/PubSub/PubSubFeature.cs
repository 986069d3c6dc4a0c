using System.Text;
using Confluent.Kafka;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// Pub/sub with the semantics of Dapr's `pubsub.kafka` on one in-process Kafka cluster per runtime (every
/// pubsub.kafka component uses it; their `brokers` are replaced). Publishing is served over gRPC and HTTP; when an
/// app is ready its subscriptions (programmatic and declarative) get a Kafka consumer per component.
/// </summary>
public sealed class PubSubFeature : ISidecarFeature, ISidecarMetadataSource, IRuntimeEndpoints, IAsyncDisposable
{
    /// <summary>
    /// How long starting a subscription waits for the consumer group to assign partitions.
    /// </summary>
    public static readonly TimeSpan AssignmentTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, PubSubComponent> _components;
    private readonly RuntimeResources _resources;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<AppInstance, SidecarSubscriptions> _sidecars = [];
    private readonly Lazy<KafkaCluster> _cluster;

    public PubSubFeature(RuntimeResources resources, TimeProvider time, ILoggerFactory loggers)
    {
        _resources = resources;
        _time = time;
        _logger = loggers.CreateLogger("LocalDapr.PubSub");
        _components = resources.OfType("pubsub.").ToDictionary(c => c.Name, c => new PubSubComponent(c), StringComparer.Ordinal);
        _cluster = new Lazy<KafkaCluster>(StartCluster, LazyThreadSafetyMode.ExecutionAndPublication);
        if (_components.Count > 0)
        {
            _ = _cluster.Value;
        }
    }

    /// <summary>
    /// The Kafka bootstrap servers (`127.0.0.1:PORT,...`) for kcat and Confluent.Kafka clients; null without
    /// pub/sub components.
    /// </summary>
    public string? BootstrapServers => _components.Count > 0 ? _cluster.Value.BootstrapServers : null;

    public IReadOnlyCollection<string> ComponentNames => _components.Keys;

    private KafkaCluster StartCluster()
    {
        var started = KafkaCluster.Start(_logger);
        foreach (var component in _components.Values)
        {
            _logger.LogInformation("pubsub {Component}: brokers '{Brokers}' replaced by the local Kafka cluster {BootstrapServers}",
                component.Name, component.Definition.GetMetadata("brokers"), started.BootstrapServers);
        }

        return started;
    }

    public IEnumerable<string> DescribeEndpoints() => _components.Values.Select(c =>
        $"pubsub '{c.Name}' (pubsub.kafka): Kafka bootstrap servers {_cluster.Value.BootstrapServers}");

    public void MapHttp(IEndpointRouteBuilder endpoints) => PubSubApi.MapHttp(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => PubSubApi.MapGrpc(methods, this);

    /// <summary>
    /// Publishes for <paramref name="appId"/> as daprd does: component visible to the app, topic allowed by the
    /// scopes, payload wrapped in a CloudEvent unless `rawPayload` is set, record key from `partitionKey`
    /// (else the CloudEvent id), every metadata entry a Kafka header.
    /// </summary>
    public async Task PublishAsync(string appId, PublishInput input, CancellationToken cancellationToken)
    {
        if (!_components.Values.Any(c => c.IsVisibleTo(appId)))
        {
            throw PublishException.NotConfigured();
        }

        if (string.IsNullOrEmpty(input.PubsubName))
        {
            throw PublishException.EmptyName();
        }

        if (!_components.TryGetValue(input.PubsubName, out var component) || !component.IsVisibleTo(appId))
        {
            throw PublishException.NotFound(input.PubsubName);
        }

        if (string.IsNullOrEmpty(input.Topic))
        {
            throw PublishException.EmptyTopic(input.PubsubName);
        }

        if (!component.Scopes.MayPublish(appId, input.Topic))
        {
            throw PublishException.Forbidden(input.PubsubName, input.Topic, appId);
        }

        var metadata = new Dictionary<string, string>(input.Metadata, StringComparer.Ordinal);
        byte[] value;
        string? key = null;
        if (metadata.TryGetValue("rawPayload", out var raw) && bool.TryParse(raw, out var isRaw) && isRaw)
        {
            value = input.Data.ToArray();
        }
        else
        {
            try
            {
                value = CloudEventEnvelope.Build(appId, input, _time.GetLocalNow());
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                throw PublishException.BadRequest(input.PubsubName, e.Message);
            }

            key = System.Text.Json.Nodes.JsonNode.Parse(value)?["id"]?.ToString();
        }

        await ProduceAsync(component, input.Topic, value, metadata, key, cancellationToken);
    }

    /// <summary>
    /// What daprd does after a failed delivery with a dead-letter topic: the original bytes and metadata go to
    /// that topic of the same component, subject to the subscriber's publishing scopes.
    /// </summary>
    internal Task PublishDeadLetterAsync(
        PubSubComponent component, string topic, string appId, byte[] payload, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (!component.Scopes.MayPublish(appId, topic))
        {
            throw PublishException.Forbidden(component.Name, topic, appId);
        }

        return ProduceAsync(component, topic, payload, metadata, null, cancellationToken);
    }

    private async Task ProduceAsync(
        PubSubComponent component, string topic, byte[] value, IReadOnlyDictionary<string, string> metadata, string? fallbackKey, CancellationToken cancellationToken)
    {
        var key = metadata.GetValueOrDefault("partitionKey") ?? metadata.GetValueOrDefault("__key") ?? fallbackKey;
        var headers = new Headers();
        foreach (var (name, headerValue) in metadata)
        {
            headers.Add(name, Encoding.UTF8.GetBytes(headerValue));
        }

        var message = new Message<byte[]?, byte[]?>
        {
            Key = key is null ? null : Encoding.UTF8.GetBytes(key),
            Value = value,
            Headers = headers,
        };
        try
        {
            await _cluster.Value.ProduceAsync(topic, message, cancellationToken);
        }
        catch (KafkaException e)
        {
            throw PublishException.Failed(component.Name, topic, e.Message);
        }
    }

    /// <summary>
    /// Reads the app's subscriptions (declarative resources scoped to it, then `GET /dapr/subscribe`) and starts a
    /// consumer per component in the component's consumer group.
    /// </summary>
    public async Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        if (_components.Count == 0 || !sidecar.App.SpeaksHttp)
        {
            return;
        }

        var declared = Declarative(sidecar);
        var programmatic = await SubscriptionDiscovery.GetAsync(sidecar, cancellationToken);
        var accepted = new List<TopicSubscription>();
        foreach (var subscription in declared.Concat(programmatic))
        {
            if (Accept(sidecar, subscription, accepted))
            {
                accepted.Add(subscription);
            }
        }

        var state = StateOf(sidecar);
        state.Subscriptions = accepted;
        foreach (var group in accepted.GroupBy(s => s.PubsubName, StringComparer.Ordinal))
        {
            var component = _components[group.Key];
            var byTopic = group.ToDictionary(s => s.Topic, StringComparer.Ordinal);
            foreach (var topic in byTopic.Keys)
            {
                _cluster.Value.EnsureTopic(topic);
            }

            var handler = new MessageHandler(
                sidecar, component, byTopic, InboundResiliency.For(_resources, component.Name, sidecar.AppId),
                (topic, appId, payload, metadata, ct) => PublishDeadLetterAsync(component, topic, appId, payload, metadata, ct),
                _time);
            var groupId = component.ConsumerGroupFor(sidecar.Instance, state.UuidFor(component.Name));
            var subscriber = new KafkaSubscriber(_cluster.Value.BootstrapServers, groupId, component, byTopic.Keys, handler, sidecar.Logger);
            lock (_gate)
            {
                state.Subscribers.Add(subscriber);
            }

            sidecar.Logger.LogInformation("pubsub {Component}: {AppId} subscribed to {Topics} in consumer group {Group}",
                component.Name, sidecar.AppId, string.Join(", ", byTopic.Keys), groupId);
            await subscriber.StartAsync(AssignmentTimeout, cancellationToken);
        }
    }

    /// <summary>
    /// Stops the app's consumers; they leave their groups, which hand the partitions to the other members.
    /// </summary>
    public async Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        List<KafkaSubscriber> stopping;
        lock (_gate)
        {
            if (!_sidecars.TryGetValue(sidecar.Instance, out var state))
            {
                return;
            }

            stopping = [.. state.Subscribers];
            state.Subscribers.Clear();
            state.Subscriptions = [];
        }

        await Task.WhenAll(stopping.Select(s => s.DisposeAsync().AsTask()));
    }

    /// <summary>
    /// `subscriptions` of `GET /v1.0/metadata`, in daprd's shape.
    /// </summary>
    public IEnumerable<KeyValuePair<string, object?>> Metadata(Sidecar sidecar)
    {
        IReadOnlyList<TopicSubscription> subscriptions;
        lock (_gate)
        {
            subscriptions = _sidecars.TryGetValue(sidecar.Instance, out var state) ? state.Subscriptions : [];
        }

        yield return new("subscriptions", subscriptions.Select(s => new
        {
            pubsubname = s.PubsubName,
            topic = s.Topic,
            metadata = s.Metadata,
            rules = s.Rules.Select(r => new { match = r.Match?.Text ?? "", path = r.Path }).ToList(),
            deadLetterTopic = s.DeadLetterTopic ?? "",
            type = s.Type,
        }).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        List<KafkaSubscriber> all;
        lock (_gate)
        {
            all = _sidecars.Values.SelectMany(s => s.Subscribers).ToList();
            _sidecars.Clear();
        }

        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask()));
        if (_cluster.IsValueCreated)
        {
            await _cluster.Value.DisposeAsync();
        }
    }

    private List<TopicSubscription> Declarative(Sidecar sidecar)
    {
        var result = new List<TopicSubscription>();
        foreach (var document in _resources.OfKind("Subscription"))
        {
            if (document.Scopes.Count > 0 && !document.Scopes.Contains(sidecar.AppId, StringComparer.Ordinal))
            {
                continue;
            }

            try
            {
                result.Add(TopicSubscription.FromDocument(document));
            }
            catch (FormatException e)
            {
                sidecar.Logger.LogError("pubsub: subscription not started: {Error}", e.Message);
            }
        }

        return result;
    }

    /// <summary>
    /// daprd's checks before subscribing: a known component visible to the app, a topic the scopes allow, at least
    /// one route, and one subscription per component and topic (declarative ones come first and win).
    /// </summary>
    private bool Accept(Sidecar sidecar, TopicSubscription subscription, List<TopicSubscription> accepted)
    {
        string? problem = null;
        if (!_components.TryGetValue(subscription.PubsubName, out var component) || !component.IsVisibleTo(sidecar.AppId))
        {
            problem = $"pubsub '{subscription.PubsubName}' is not found";
        }
        else if (string.IsNullOrEmpty(subscription.Topic))
        {
            problem = "the topic is empty";
        }
        else if (!component.Scopes.MaySubscribe(sidecar.AppId, subscription.Topic))
        {
            problem = $"subscribing to topic {subscription.Topic} on pubsub {subscription.PubsubName} is not allowed for app {sidecar.AppId}";
        }
        else if (subscription.Rules.Count == 0)
        {
            problem = "it has no route";
        }
        else if (accepted.Any(a => a.PubsubName == subscription.PubsubName && a.Topic == subscription.Topic))
        {
            problem = "the app already subscribes to this topic";
        }

        if (problem is not null)
        {
            sidecar.Logger.LogWarning("pubsub: ignoring {Type} subscription to {PubSub}/{Topic} of {AppId}: {Problem}",
                subscription.Type, subscription.PubsubName, subscription.Topic, sidecar.AppId, problem);
            return false;
        }

        return true;
    }

    private SidecarSubscriptions StateOf(Sidecar sidecar)
    {
        lock (_gate)
        {
            if (!_sidecars.TryGetValue(sidecar.Instance, out var state))
            {
                _sidecars[sidecar.Instance] = state = new SidecarSubscriptions();
            }

            return state;
        }
    }

    /// <summary>
    /// Per sidecar: its consumers, its subscriptions, and the {uuid} of each component (fixed for the sidecar's
    /// life, as daprd resolves it once when it loads the component; app restarts keep it).
    /// </summary>
    private sealed class SidecarSubscriptions
    {
        private readonly Dictionary<string, Guid> _uuids = new(StringComparer.Ordinal);

        public List<KafkaSubscriber> Subscribers { get; } = [];

        public IReadOnlyList<TopicSubscription> Subscriptions { get; set; } = [];

        public Guid UuidFor(string component)
        {
            lock (_uuids)
            {
                if (!_uuids.TryGetValue(component, out var uuid))
                {
                    _uuids[component] = uuid = Guid.NewGuid();
                }

                return uuid;
            }
        }
    }
}
