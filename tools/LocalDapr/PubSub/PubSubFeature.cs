using System.Text;
using Confluent.Kafka;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using DaprOrders.LocalDapr.Sidecars;

namespace DaprOrders.LocalDapr.PubSub;

/// Pub/sub with the semantics of Dapr's `pubsub.kafka` on one in-process Kafka cluster per runtime (every
/// pubsub.kafka component uses it; their `brokers` are replaced). Publishing is served over gRPC and HTTP; when an
/// app is ready its subscriptions (programmatic and declarative) get a Kafka consumer per component.
public sealed class PubSubFeature : ISidecarFeature, ISidecarMetadataSource, IRuntimeEndpoints, IAsyncDisposable
{
    /// How long starting a subscription waits for the consumer group to assign partitions.
    public static readonly TimeSpan AssignmentTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, PubSubComponent> components;
    private readonly RuntimeResources resources;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly Lock gate = new();
    private readonly Dictionary<AppInstance, SidecarSubscriptions> sidecars = [];
    private readonly Lazy<KafkaCluster> cluster;

    public PubSubFeature(RuntimeResources resources, TimeProvider time, ILoggerFactory loggers)
    {
        this.resources = resources;
        this.time = time;
        logger = loggers.CreateLogger("LocalDapr.PubSub");
        components = resources.OfType("pubsub.").ToDictionary(c => c.Name, c => new PubSubComponent(c), StringComparer.Ordinal);
        cluster = new Lazy<KafkaCluster>(StartCluster, LazyThreadSafetyMode.ExecutionAndPublication);
        if (components.Count > 0)
        {
            _ = cluster.Value;
        }
    }

    /// The Kafka bootstrap servers (`127.0.0.1:PORT,...`) for kcat and Confluent.Kafka clients; null without
    /// pub/sub components.
    public string? BootstrapServers => components.Count > 0 ? cluster.Value.BootstrapServers : null;

    public IReadOnlyCollection<string> ComponentNames => components.Keys;

    private KafkaCluster StartCluster()
    {
        var started = KafkaCluster.Start(brokers: 3, logger);
        foreach (var component in components.Values)
        {
            logger.LogInformation("pubsub {Component}: brokers '{Brokers}' replaced by the local Kafka cluster {BootstrapServers}",
                component.Name, component.Definition.GetMetadata("brokers"), started.BootstrapServers);
        }

        return started;
    }

    public IEnumerable<string> DescribeEndpoints() => components.Values.Select(c =>
        $"pubsub '{c.Name}' (pubsub.kafka): Kafka bootstrap servers {cluster.Value.BootstrapServers}");

    public void MapHttp(IEndpointRouteBuilder endpoints) => PubSubApi.MapHttp(endpoints, this);

    public void MapGrpc(DaprGrpcMethods methods) => PubSubApi.MapGrpc(methods, this);

    /// Publishes for <paramref name="appId"/> as daprd does: component visible to the app, topic allowed by the
    /// scopes, payload wrapped in a CloudEvent unless `rawPayload` is set, record key from `partitionKey`
    /// (else the CloudEvent id), every metadata entry a Kafka header.
    public async Task PublishAsync(string appId, PublishInput input, CancellationToken cancellationToken)
    {
        if (!components.Values.Any(c => c.IsVisibleTo(appId)))
        {
            throw PublishException.NotConfigured();
        }

        if (string.IsNullOrEmpty(input.PubsubName))
        {
            throw PublishException.EmptyName();
        }

        if (!components.TryGetValue(input.PubsubName, out var component) || !component.IsVisibleTo(appId))
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
                value = CloudEventEnvelope.Build(appId, input, time.GetLocalNow());
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                throw PublishException.BadRequest(input.PubsubName, e.Message);
            }

            key = System.Text.Json.Nodes.JsonNode.Parse(value)?["id"]?.ToString();
        }

        await ProduceAsync(component, input.Topic, value, metadata, key, cancellationToken);
    }

    /// What daprd does after a failed delivery with a dead-letter topic: the original bytes and metadata go to
    /// that topic of the same component, subject to the subscriber's publishing scopes.
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
            await cluster.Value.ProduceAsync(topic, message, cancellationToken);
        }
        catch (KafkaException e)
        {
            throw PublishException.Failed(component.Name, topic, e.Message);
        }
    }

    /// Reads the app's subscriptions (declarative resources scoped to it, then `GET /dapr/subscribe`) and starts a
    /// consumer per component in the component's consumer group.
    public async Task AppReadyAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        if (components.Count == 0 || sidecar.App.BaseAddress is null)
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
        var resiliencies = resources.OfKind("Resiliency").ToList();
        foreach (var group in accepted.GroupBy(s => s.PubsubName, StringComparer.Ordinal))
        {
            var component = components[group.Key];
            var byTopic = group.ToDictionary(s => s.Topic, StringComparer.Ordinal);
            foreach (var topic in byTopic.Keys)
            {
                await cluster.Value.EnsureTopicAsync(topic, cancellationToken);
            }

            var handler = new MessageHandler(
                sidecar, component, byTopic, InboundResiliency.For(resiliencies, component.Name, sidecar.AppId),
                (topic, appId, payload, metadata, ct) => PublishDeadLetterAsync(component, topic, appId, payload, metadata, ct),
                time);
            var groupId = component.ConsumerGroupFor(sidecar.Instance, state.UuidFor(component.Name));
            var subscriber = new KafkaSubscriber(cluster.Value.BootstrapServers, groupId, component.InitialOffset, byTopic.Keys, handler, sidecar.Logger);
            lock (gate)
            {
                state.Subscribers.Add(subscriber);
            }

            sidecar.Logger.LogInformation("pubsub {Component}: {AppId} subscribed to {Topics} in consumer group {Group}",
                component.Name, sidecar.AppId, string.Join(", ", byTopic.Keys), groupId);
            await subscriber.StartAsync(AssignmentTimeout, cancellationToken);
        }
    }

    /// Stops the app's consumers; they leave their groups, which hand the partitions to the other members.
    public async Task AppStoppedAsync(Sidecar sidecar, CancellationToken cancellationToken)
    {
        List<KafkaSubscriber> stopping;
        lock (gate)
        {
            if (!sidecars.TryGetValue(sidecar.Instance, out var state))
            {
                return;
            }

            stopping = [.. state.Subscribers];
            state.Subscribers.Clear();
            state.Subscriptions = [];
        }

        await Task.WhenAll(stopping.Select(s => s.DisposeAsync().AsTask()));
    }

    /// `subscriptions` of `GET /v1.0/metadata`, in daprd's shape.
    public IEnumerable<KeyValuePair<string, object?>> Metadata(Sidecar sidecar)
    {
        IReadOnlyList<TopicSubscription> subscriptions;
        lock (gate)
        {
            subscriptions = sidecars.TryGetValue(sidecar.Instance, out var state) ? state.Subscriptions : [];
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
        lock (gate)
        {
            all = sidecars.Values.SelectMany(s => s.Subscribers).ToList();
            sidecars.Clear();
        }

        await Task.WhenAll(all.Select(s => s.DisposeAsync().AsTask()));
        if (cluster.IsValueCreated)
        {
            cluster.Value.Dispose();
        }
    }

    private List<TopicSubscription> Declarative(Sidecar sidecar)
    {
        var result = new List<TopicSubscription>();
        foreach (var document in resources.OfKind("Subscription"))
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

    /// daprd's checks before subscribing: a known component visible to the app, a topic the scopes allow, at least
    /// one route, and one subscription per component and topic (declarative ones come first and win).
    private bool Accept(Sidecar sidecar, TopicSubscription subscription, List<TopicSubscription> accepted)
    {
        string? problem = null;
        if (!components.TryGetValue(subscription.PubsubName, out var component) || !component.IsVisibleTo(sidecar.AppId))
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
        lock (gate)
        {
            if (!sidecars.TryGetValue(sidecar.Instance, out var state))
            {
                sidecars[sidecar.Instance] = state = new SidecarSubscriptions();
            }

            return state;
        }
    }

    /// Per sidecar: its consumers, its subscriptions, and the {uuid} of each component (fixed for the sidecar's
    /// life, as daprd resolves it once when it loads the component; app restarts keep it).
    private sealed class SidecarSubscriptions
    {
        private readonly Dictionary<string, Guid> uuids = new(StringComparer.Ordinal);

        public List<KafkaSubscriber> Subscribers { get; } = [];

        public IReadOnlyList<TopicSubscription> Subscriptions { get; set; } = [];

        public Guid UuidFor(string component)
        {
            lock (uuids)
            {
                if (!uuids.TryGetValue(component, out var uuid))
                {
                    uuids[component] = uuid = Guid.NewGuid();
                }

                return uuid;
            }
        }
    }
}
