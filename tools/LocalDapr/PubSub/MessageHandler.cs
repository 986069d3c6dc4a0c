using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.Telemetry;

namespace DaprOrders.LocalDapr.PubSub;

/// <summary>
/// Handles one Kafka record for one app instance, as daprd and pubsub.kafka together do: route it, deliver it
/// under the inbound resiliency policy, then on failure publish it to the dead-letter topic (and ack) if the
/// subscription has one, else hand the error back to pubsub.kafka, whose consume retry tries the whole delivery
/// again with its back-off while the partition waits. Returns whether the offset may be committed.
/// </summary>
internal sealed class MessageHandler(
    Sidecar sidecar,
    PubSubComponent component,
    IReadOnlyDictionary<string, TopicSubscription> subscriptions,
    InboundResiliency resiliency,
    Func<string, string, byte[], IReadOnlyDictionary<string, string>, CancellationToken, Task> publishDeadLetter,
    TimeProvider time)
{
    private ILogger Logger => sidecar.Logger;

    public async Task<bool> HandleAsync(ConsumeResult<byte[]?, byte[]?> record, CancellationToken cancellationToken)
    {
        if (!subscriptions.TryGetValue(record.Topic, out var subscription))
        {
            return true;
        }

        var metadata = Metadata(record);
        var payload = record.Message.Value ?? [];
        var started = time.GetTimestamp();
        for (var consumeRetry = 0; ; consumeRetry++)
        {
            var result = await HandleOnceAsync(subscription, record, payload, metadata, cancellationToken);
            if (result.Status == DeliveryStatus.Success)
            {
                RuntimeTelemetry.CountDelivery(sidecar.AppId, record.Topic, "delivered");
                return true;
            }

            if (result.Status == DeliveryStatus.Drop && subscription.DeadLetterTopic is null)
            {
                RuntimeTelemetry.CountDelivery(sidecar.AppId, record.Topic, "dropped");
                Logger.LogWarning("pubsub {Component}: dropped message {Topic}/{Partition}@{Offset}: {Reason}",
                    component.Name, record.Topic, record.Partition.Value, record.Offset.Value, result.Detail);
                return true;
            }

            if (subscription.DeadLetterTopic is { } deadLetter)
            {
                try
                {
                    await publishDeadLetter(deadLetter, sidecar.AppId, payload, metadata, cancellationToken);
                    RuntimeTelemetry.CountDelivery(sidecar.AppId, record.Topic, "dead_lettered");
                    Logger.LogWarning("pubsub {Component}: message {Topic}/{Partition}@{Offset} sent to dead-letter topic {DeadLetterTopic}: {Reason}",
                        component.Name, record.Topic, record.Partition.Value, record.Offset.Value, deadLetter, result.Detail);
                    return true;
                }
                catch (PublishException e)
                {
                    Logger.LogError("pubsub {Component}: publishing to dead-letter topic {DeadLetterTopic} failed: {Error}", component.Name, deadLetter, e.Message);
                }
            }

            // pubsub.kafka's consume retry: the same message again, the partition blocked meanwhile.
            var delay = component.ConsumeRetryEnabled ? component.ConsumeRetry.DelayBefore(consumeRetry + 1, time.GetElapsedTime(started)) : null;
            if (delay is not { } wait)
            {
                RuntimeTelemetry.CountDelivery(sidecar.AppId, record.Topic, "given_up");
                Logger.LogError("pubsub {Component}: giving up on message {Topic}/{Partition}@{Offset}: {Reason}",
                    component.Name, record.Topic, record.Partition.Value, record.Offset.Value, result.Detail);
                return false;
            }

            Logger.LogInformation("pubsub {Component}: retrying message {Topic}/{Partition}@{Offset} in {Delay}: {Reason}",
                component.Name, record.Topic, record.Partition.Value, record.Offset.Value, wait, result.Detail);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    /// <summary>
    /// One delivery under the resiliency policy: retried while the app fails retriably and the policy allows.
    /// </summary>
    private async Task<DeliveryResult> HandleOnceAsync(
        TopicSubscription subscription, ConsumeResult<byte[]?, byte[]?> record, byte[] payload, Dictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        byte[] body;
        JsonNode? cloudEvent;
        if (subscription.RawPayload)
        {
            metadata.TryGetValue("traceparent", out var traceParent);
            metadata.TryGetValue("tracestate", out var traceState);
            body = CloudEventEnvelope.FromRawPayload(payload, record.Topic, component.Name, traceParent ?? metadata.GetValueOrDefault("traceid"), traceState);
            cloudEvent = JsonNode.Parse(body);
        }
        else
        {
            try
            {
                cloudEvent = JsonNode.Parse(payload);
                body = payload;
            }
            catch (JsonException e)
            {
                return new DeliveryResult(DeliveryStatus.Retry, $"the message is not a CloudEvent and the subscription has no rawPayload: {e.Message}");
            }
        }

        if (cloudEvent?["expiration"]?.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(cloudEvent["expiration"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry)
            && expiry < time.GetUtcNow())
        {
            return new DeliveryResult(DeliveryStatus.Drop, $"the event expired at {expiry:O}");
        }

        var route = subscription.RouteFor(cloudEvent);
        if (route is null)
        {
            return new DeliveryResult(DeliveryStatus.Drop, "no routing rule matches the event");
        }

        var headers = new Dictionary<string, string>(metadata, StringComparer.OrdinalIgnoreCase);
        if (TraceParentOf(cloudEvent) is { } parent)
        {
            headers["traceparent"] = parent;
            if (cloudEvent?["tracestate"]?.GetValueKind() == JsonValueKind.String && cloudEvent["tracestate"]!.GetValue<string>() is { Length: > 0 } state)
            {
                headers["tracestate"] = state;
            }
        }

        var attemptStarted = time.GetTimestamp();
        for (var retry = 0; ; retry++)
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (resiliency.Timeout is { } timeout)
            {
                attempt.CancelAfter(timeout);
            }

            DeliveryResult result;
            // daprd's span per delivery, `pubsub/{topic}`, a child of the event's traceparent; the app gets it as its
            // parent (postman/http/http.go Deliver, diagnostics StartInternalCallbackSpan).
            using (var span = StartDeliverySpan(record.Topic, headers))
            {
                try
                {
                    result = await AppDelivery.PostAsync(sidecar.App, route, body, headers, attempt.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    result = new DeliveryResult(DeliveryStatus.Retry, $"timed out after {resiliency.Timeout}");
                }

                if (result.Status != DeliveryStatus.Success)
                {
                    span?.SetStatus(ActivityStatusCode.Error, result.Detail);
                }
            }

            if (result.Status != DeliveryStatus.Retry)
            {
                return result;
            }

            var delay = resiliency.Retry?.DelayBefore(retry + 1, time.GetElapsedTime(attemptStarted));
            if (delay is not { } wait)
            {
                return result;
            }

            Logger.LogDebug("pubsub {Component}: delivery to {Route} failed ({Reason}); resiliency retry in {Delay}", component.Name, route, result.Detail, wait);
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private Activity? StartDeliverySpan(string topic, IReadOnlyDictionary<string, string> headers)
    {
        TraceHeaders.TryParse(headers.GetValueOrDefault(TraceHeaders.TraceParentHeader), headers.GetValueOrDefault(TraceHeaders.TraceStateHeader), out var parent);
        var span = RuntimeTelemetry.Source.StartActivity($"pubsub/{topic}", ActivityKind.Client, parent);
        span?.SetTag("dapr.app_id", sidecar.AppId);
        span?.SetTag("messaging.system", "kafka");
        span?.SetTag("messaging.destination.name", topic);
        span?.SetTag("dapr.pubsub.name", component.Name);
        return span;
    }

    private static string? TraceParentOf(JsonNode? cloudEvent)
    {
        foreach (var field in new[] { "traceparent", "traceid" })
        {
            if (cloudEvent?[field] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text)
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>
    /// The message metadata pubsub.kafka reports (consumer.go GetEventMetadata): the record's headers, then
    /// `__key`, `__partition`, `__offset`, `__topic`, `__timestamp` (Unix ms), plus daprd's `pubsubName`.
    /// </summary>
    private Dictionary<string, string> Metadata(ConsumeResult<byte[]?, byte[]?> record)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in record.Message.Headers ?? [])
        {
            metadata[header.Key] = Encoding.UTF8.GetString(header.GetValueBytes() ?? []);
        }

        if (record.Message.Key is { } key)
        {
            metadata["__key"] = Encoding.UTF8.GetString(key);
        }

        metadata["__partition"] = record.Partition.Value.ToString(CultureInfo.InvariantCulture);
        metadata["__offset"] = record.Offset.Value.ToString(CultureInfo.InvariantCulture);
        metadata["__topic"] = record.Topic;
        metadata["__timestamp"] = record.Message.Timestamp.UnixTimestampMs.ToString(CultureInfo.InvariantCulture);
        metadata["pubsubName"] = component.Name;
        return metadata;
    }
}
