using System.Globalization;
using System.Text.Json;
using Dapr.DurableTask.Protobuf;
using DaprOrders.LocalDapr.Actors;
using Google.Protobuf;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// Workflow state in the actor state store, laid out as daprd's workflow actor keeps it
/// (dapr pkg/runtime/wfengine/backends/actors, pkg/actors/targets/workflow): actor type
/// `dapr.internal.{namespace}.{appId}.workflow`, actor id = instance id, keys `metadata`, `history-NNNNNN`,
/// `inbox-NNNNNN` and `customStatus`, history events as protobuf bytes. Every change is written before the engine
/// acts on it (dispatches, acknowledges), so what the app was told is always in the store.
/// </summary>
public sealed class WorkflowStateStore(IActorStateStore store, string appId, string ns = "default")
{
    public string ActorType { get; } = $"dapr.internal.{ns}.{appId}.workflow";

    /// <summary>
    /// Writes the instance's metadata, custom status, history beyond what is stored, and its whole inbox.
    /// </summary>
    public async Task SaveAsync(WorkflowInstance instance, CancellationToken cancellationToken)
    {
        var operations = new List<ActorStateOperation>();
        if (instance.History.Count < instance.StoredHistory)
        {
            // History was reset (continue-as-new, id reuse): rewrite it from the start.
            operations.AddRange(Deletes(instance.Id, "history", instance.History.Count, instance.StoredHistory));
            instance.StoredHistory = 0;
        }

        for (var i = instance.StoredHistory; i < instance.History.Count; i++)
        {
            operations.Add(Upsert(instance.Id, Indexed("history", i), instance.History[i].ToByteArray()));
        }

        var inbox = instance.PendingEvents.ToList();
        for (var i = 0; i < inbox.Count; i++)
        {
            operations.Add(Upsert(instance.Id, Indexed("inbox", i), inbox[i].ToByteArray()));
        }

        operations.AddRange(Deletes(instance.Id, "inbox", inbox.Count, instance.StoredInbox));
        operations.Add(Upsert(instance.Id, "customStatus", JsonSerializer.SerializeToUtf8Bytes(instance.CustomStatus)));
        operations.Add(Upsert(instance.Id, "metadata", JsonSerializer.SerializeToUtf8Bytes(StoredMetadata.Of(instance, inbox.Count))));
        await store.TransactAsync(operations, cancellationToken);
        instance.StoredHistory = instance.History.Count;
        instance.StoredInbox = inbox.Count;
    }

    /// <summary>
    /// The stored history (for GetInstanceHistory once the instance's history has left memory).
    /// </summary>
    public async Task<IReadOnlyList<HistoryEvent>> LoadHistoryAsync(string instanceId, int count, CancellationToken cancellationToken)
    {
        var events = new List<HistoryEvent>(count);
        for (var i = 0; i < count; i++)
        {
            if (await store.GetAsync(Key(instanceId, Indexed("history", i)), cancellationToken) is { } value)
            {
                events.Add(HistoryEvent.Parser.ParseFrom(value.Data.Span));
            }
        }

        return events;
    }

    /// <summary>
    /// Deletes every key of the instance (purge).
    /// </summary>
    public Task DeleteAsync(WorkflowInstance instance, CancellationToken cancellationToken)
    {
        var operations = Deletes(instance.Id, "history", 0, instance.StoredHistory)
            .Concat(Deletes(instance.Id, "inbox", 0, instance.StoredInbox))
            .Append(Delete(instance.Id, "customStatus"))
            .Append(Delete(instance.Id, "metadata"))
            .ToList();
        instance.StoredHistory = 0;
        instance.StoredInbox = 0;
        return store.TransactAsync(operations, cancellationToken);
    }

    /// <summary>
    /// The full key, as daprd's actor state keys: `{appId}||{actorType}||{actorId}||{key}`.
    /// </summary>
    public string Key(string instanceId, string key) => $"{appId}||{ActorType}||{instanceId}||{key}";

    private static string Indexed(string prefix, int index) => $"{prefix}-{index.ToString("D6", CultureInfo.InvariantCulture)}";

    private ActorStateOperation Upsert(string instanceId, string key, byte[] value) => new(Key(instanceId, key), value, null);

    private ActorStateOperation Delete(string instanceId, string key) => new(Key(instanceId, key), null, null);

    private IEnumerable<ActorStateOperation> Deletes(string instanceId, string prefix, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            yield return Delete(instanceId, Indexed(prefix, i));
        }
    }

    /// <summary>
    /// The `metadata` value: what GetInstance answers, and how many history and inbox keys there are.
    /// </summary>
    private sealed record StoredMetadata(
        string Name,
        string ExecutionId,
        string Status,
        string? Input,
        string? Output,
        byte[]? Failure,
        string? ParentInstanceId,
        DateTime CreatedAt,
        DateTime LastUpdatedAt,
        DateTime? CompletedAt,
        int HistoryLength,
        int InboxLength)
    {
        public static StoredMetadata Of(WorkflowInstance instance, int inboxLength) => new(
            instance.Name,
            instance.ExecutionId,
            instance.Status.ToString(),
            instance.Input,
            instance.Output,
            instance.Failure?.ToByteArray(),
            instance.Parent?.WorkflowInstance?.InstanceId,
            instance.CreatedAt,
            instance.LastUpdatedAt,
            instance.CompletedAt,
            instance.History.Count,
            inboxLength);
    }
}
