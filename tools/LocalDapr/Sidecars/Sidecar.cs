namespace DaprOrders.LocalDapr.Sidecars;

/// <summary>
/// The sidecar of one app instance, as seen by features: who it serves and how to reach the app.
/// </summary>
public sealed class Sidecar(AppInstance instance, AppChannel app, ILogger logger)
{
    public AppInstance Instance { get; } = instance;

    public string AppId => Instance.AppId;

    public AppChannel App { get; } = app;

    public ILogger Logger { get; } = logger;
}
