using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Workflows;

/// The work items of one app id and the `GetWorkItems` streams its instances keep open. Items wait in one queue
/// and go to whichever stream takes them first, so several app instances share the work (durabletask-go
/// backend/executor.go: one shared queue per sidecar). Each dispatched item is remembered under its completion
/// token until completed; when the stream that carried it ends (app crash, kill -9, restart) the item is handed
/// back to be dispatched again with a new token, and a completion that still carries the old token is refused
/// as stale (executor.go executeWorkflowAsync/executeActivityAsync).
public sealed class WorkItemDispatcher(ILogger logger)
{
    private readonly Channel<Dispatch> queue = Channel.CreateUnbounded<Dispatch>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Lock gate = new();
    private readonly Dictionary<string, Dispatch> outstanding = new(StringComparer.Ordinal);
    private int streams;

    /// Open `GetWorkItems` streams.
    public int Streams => Volatile.Read(ref streams);

    /// Queues a work item; <paramref name="lost"/> runs when the stream it went out on ends before its completion.
    public void Enqueue(WorkItem item, Action<WorkItem> lost)
    {
        var dispatch = new Dispatch(item, lost);
        lock (gate)
        {
            outstanding[item.CompletionToken] = dispatch;
        }

        queue.Writer.TryWrite(dispatch);
    }

    /// Takes the item dispatched under <paramref name="token"/>; false when it is unknown: completed already,
    /// or re-dispatched under a new token.
    public bool TryComplete(string token) => TryComplete(token, out _);

    /// As <see cref="TryComplete(string)"/>, handing back the item that was dispatched.
    public bool TryComplete(string token, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkItem? item)
    {
        lock (gate)
        {
            var found = outstanding.Remove(token, out var dispatch);
            item = dispatch?.Item;
            return found;
        }
    }

    /// Forgets an item that no longer needs an answer (its instance finished or was purged).
    public void Cancel(string token)
    {
        lock (gate)
        {
            outstanding.Remove(token);
        }
    }

    /// Serves one `GetWorkItems` stream until the app closes it or the sidecar stops.
    public async Task ServeAsync(IServerStreamWriter<WorkItem> stream, CancellationToken cancellationToken)
    {
        var id = new object();
        Interlocked.Increment(ref streams);
        logger.LogDebug("Workflow worker connected");
        try
        {
            await foreach (var dispatch in queue.Reader.ReadAllAsync(cancellationToken))
            {
                lock (gate)
                {
                    if (!outstanding.ContainsKey(dispatch.Item.CompletionToken))
                    {
                        continue; // cancelled while queued
                    }

                    dispatch.Stream = id;
                }

                await stream.WriteAsync(dispatch.Item, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The app went away or the sidecar stops: what this stream carried is dispatched again below.
        }
        finally
        {
            Interlocked.Decrement(ref streams);
            HandBack(id);
        }
    }

    private void HandBack(object stream)
    {
        List<Dispatch> lost;
        lock (gate)
        {
            lost = outstanding.Values.Where(d => d.Stream == stream).ToList();
            foreach (var dispatch in lost)
            {
                outstanding.Remove(dispatch.Item.CompletionToken);
            }
        }

        if (lost.Count > 0)
        {
            logger.LogInformation("Workflow worker stream ended with {Count} work items unanswered; dispatching them again", lost.Count);
        }

        foreach (var dispatch in lost)
        {
            dispatch.Lost(dispatch.Item);
        }
    }

    private sealed class Dispatch(WorkItem item, Action<WorkItem> lost)
    {
        public WorkItem Item { get; } = item;

        public Action<WorkItem> Lost { get; } = lost;

        /// The stream that carried it; null while queued.
        public object? Stream { get; set; }
    }
}
