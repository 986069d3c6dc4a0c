using System.Collections.Concurrent;

namespace DaprOrders.LocalDapr.TestApp.Workflows;

/// <summary>
/// Gates that hold <see cref="GateActivity"/> executions until a test opens them (`POST /test/workflows/gates/{key}`),
/// so a test knows an activity is running at a point it chooses. A gate opened before anyone waits stays open.
/// </summary>
public sealed class WorkflowGates(IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public void Open(string key) => Gate(key).TrySetResult();

    /// <summary>
    /// Completes once the gate is open; gives up when the app stops, so a graceful stop is not held up.
    /// </summary>
    public Task WaitAsync(string key) => Gate(key).Task.WaitAsync(lifetime.ApplicationStopping);

    private TaskCompletionSource Gate(string key) =>
        _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
