namespace DaprOrders.Orders.Tests;

/// <summary>
/// The set-up of the test classes that drive the orders REST API: per test, a fresh <see cref="WorkflowRuntime"/>,
/// one <see cref="OrdersApplication"/> on its sidecar (configured with <paramref name="settings"/>) and an HTTP
/// client to it.
/// </summary>
public abstract class OrdersAppTests(IReadOnlyDictionary<string, string>? settings = null) : IAsyncLifetime
{
    private WorkflowRuntime _runtime = null!;

    internal OrdersApplication App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _runtime = await WorkflowRuntime.StartAsync();
        App = new OrdersApplication(_runtime.Sidecars[0], settings: settings);
        Client = App.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await _runtime.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
