using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Dapr.DurableTask.Protobuf;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Workflows;

/// <summary>
/// The work items of one app id and the `GetWorkItems` streams its instances keep open (its workers). Items are
/// dealt to the workers in turn, so several app instances share the work, as daprd spreads workflow and activity
/// actors over an app's replicas; with no worker connected they wait for the first one. Each item is remembered
/// under its completion token until completed; when the stream it went to ends (app crash, kill -9, restart), the
/// item is handed back to be dispatched again with a new token, and a completion that still carries the old
/// token is refused as stale (durabletask-go backend/executor.go GetWorkItems, executeWorkflowAsync).
/// </summary>
public sealed class WorkItemDispatcher(ILogger logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dispatch> _outstanding = new(StringComparer.Ordinal);
    private readonly List<Worker> _workers = [];
    private readonly Queue<Dispatch> _waiting = new();
    private int _next;

    /// <summary>
    /// Queues a work item; <paramref name="lost"/> runs when the stream it went to ends before its completion.
    /// </summary>
    public void Enqueue(WorkItem item, Action<WorkItem> lost)
    {
        var dispatch = new Dispatch(item, lost);
        lock (_gate)
        {
            _outstanding[item.CompletionToken] = dispatch;
            Route(dispatch);
        }
    }

    /// <summary>
    /// Takes the item dispatched under <paramref name="token"/>; false when it is unknown: completed already,
    /// or re-dispatched under a new token.
    /// </summary>
    public bool TryComplete(string token) => TryComplete(token, out _);

    /// <summary>
    /// As <see cref="TryComplete(string)"/>, handing back the item that was dispatched.
    /// </summary>
    public bool TryComplete(string token, [NotNullWhen(true)] out WorkItem? item)
    {
        lock (_gate)
        {
            var found = _outstanding.Remove(token, out var dispatch);
            item = dispatch?.Item;
            return found;
        }
    }

    /// <summary>
    /// Forgets an item that no longer needs an answer (its instance was purged).
    /// </summary>
    public void Cancel(string token)
    {
        lock (_gate)
        {
            _outstanding.Remove(token);
        }
    }

    /// <summary>
    /// Serves one `GetWorkItems` stream until the app closes it or the sidecar stops.
    /// </summary>
    public async Task ServeAsync(IServerStreamWriter<WorkItem> stream, CancellationToken cancellationToken)
    {
        var worker = new Worker();
        lock (_gate)
        {
            _workers.Add(worker);
            while (_waiting.TryDequeue(out var queued))
            {
                Route(queued);
            }
        }

        logger.LogDebug("Workflow worker connected");
        try
        {
            await foreach (var dispatch in worker.Queue.Reader.ReadAllAsync(cancellationToken))
            {
                bool live;
                lock (_gate)
                {
                    live = _outstanding.ContainsKey(dispatch.Item.CompletionToken);
                }

                if (live)
                {
                    await stream.WriteAsync(dispatch.Item, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The app went away or the sidecar stops: what this stream was given is dispatched again below.
        }
        finally
        {
            HandBack(worker);
        }
    }

    /// <summary>
    /// Under the gate: to the next worker in turn, or to the waiting queue while there is none.
    /// </summary>
    private void Route(Dispatch dispatch)
    {
        if (_workers.Count == 0)
        {
            dispatch.Worker = null;
            _waiting.Enqueue(dispatch);
            return;
        }

        var worker = _workers[_next++ % _workers.Count];
        dispatch.Worker = worker;
        worker.Queue.Writer.TryWrite(dispatch);
    }

    private void HandBack(Worker worker)
    {
        List<Dispatch> lost;
        lock (_gate)
        {
            _workers.Remove(worker);
            lost = [.. _outstanding.Values.Where(d => d.Worker == worker)];
            foreach (var dispatch in lost)
            {
                _outstanding.Remove(dispatch.Item.CompletionToken);
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

    private sealed class Worker
    {
        public Channel<Dispatch> Queue { get; } = Channel.CreateUnbounded<Dispatch>(new UnboundedChannelOptions { SingleReader = true });
    }

    private sealed class Dispatch(WorkItem item, Action<WorkItem> lost)
    {
        public WorkItem Item { get; } = item;

        public Action<WorkItem> Lost { get; } = lost;

        /// <summary>
        /// The worker it was dealt to; null while waiting for one.
        /// </summary>
        public Worker? Worker { get; set; }
    }
}
