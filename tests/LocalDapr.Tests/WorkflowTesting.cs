using System.Net;
using System.Text.Json;
using DaprOrders.LocalDapr.TestApp.Workflows;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// What the workflow tests share: a runtime with an actor state store (daprd's workflow engine keeps its state
/// there), bounded waits, and the TestApp's gates and execution records.
/// </summary>
internal static class WorkflowTesting
{
    /// <summary>
    /// A token for one test: the test's own, cancelled after <see cref="TestRuntime.Timeout"/> at the latest, since the
    /// SDK's calls wait for the sidecar to be ready and its waits have no deadline of their own.
    /// </summary>
    public static CancellationTokenSource Timeout()
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestRuntime.Timeout);
        return timeout;
    }

    public static Task<TestRuntime> StartRuntimeAsync(Func<Runtime.LocalDaprOptions, Runtime.LocalDaprOptions>? configure = null) =>
        TestRuntime.StartAsync([("state.yaml", TestRuntime.StateStoreYaml)], configure);

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>
    /// Lets the gated activities of <paramref name="key"/> running in <paramref name="app"/> finish.
    /// </summary>
    public static async Task OpenGateAsync(TestApp app, string key, CancellationToken cancellationToken)
    {
        using var response = await app.Http.PostAsync(new Uri($"test/workflows/gates/{Uri.EscapeDataString(key)}", UriKind.Relative), null, cancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The executions <paramref name="app"/> recorded under <paramref name="key"/>, read now.
    /// </summary>
    public static async Task<IReadOnlyList<ActivityExecution>> ExecutionsAsync(TestApp app, string key) =>
        (await app.WaitForRecordedAsync(WorkflowTestNames.Executions(key), 0)).Select(Execution).ToList();

    /// <summary>
    /// Whether <paramref name="app"/> records an execution under <paramref name="key"/> within <paramref name="window"/>:
    /// for what must not happen, a bounded wait on the event it would cause.
    /// </summary>
    public static async Task<bool> ExecutionWithinAsync(TestApp app, string key, TimeSpan window, CancellationToken cancellationToken)
    {
        var stream = Uri.EscapeDataString(WorkflowTestNames.Executions(key));
        using var response = await app.Http.GetAsync(new Uri($"test/recorded/{stream}?count=1&timeout={window.TotalSeconds}", UriKind.Relative), cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.RequestTimeout => false,
            var status => throw new HttpRequestException($"The app answered {status}."),
        };
    }

    public static ActivityExecution Execution(System.Text.Json.Nodes.JsonNode? entry) =>
        entry.Deserialize<ActivityExecution>(JsonSerializerOptions.Web) ?? throw new InvalidOperationException("An empty execution record.");
}
