using System.Collections.Concurrent;

namespace DaprOrders.LocalDapr.TestApp.Workflows;

/// Gates that hold <see cref="GateActivity"/> executions until a test opens them (`POST /test/workflows/gates/{key}`),
/// so a test knows an activity is running at a point it chooses. A gate opened before anyone waits stays open.
public sealed class WorkflowGates(IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> gates = new(StringComparer.Ordinal);

    public void Open(string key) => Gate(key).TrySetResult();

    /// Completes once the gate is open; gives up when the app stops, so a graceful stop is not held up.
    public Task WaitAsync(string key) => Gate(key).Task.WaitAsync(lifetime.ApplicationStopping);

    private TaskCompletionSource Gate(string key) =>
        gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
