using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Runs;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// Runtime-wide settings: where the components come from, where mail goes, tokens, time limits.
/// </summary>
public sealed record LocalDaprOptions
{
    /// <summary>
    /// Folders whose `*.yaml`/`*.yml` files are loaded; ignored when <see cref="Resources"/> is given.
    /// </summary>
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// <summary>
    /// Already loaded resources (tests), instead of <see cref="ResourcesPaths"/>.
    /// </summary>
    public RuntimeResources? Resources { get; init; }

    /// <summary>
    /// Where `bindings.smtp` writes each mail as an `.eml` file.
    /// </summary>
    public string MailFolder { get; init; } = Path.Combine(Path.GetTempPath(), "localdapr", "mail");

    /// <summary>
    /// Deliver mail to the component's SMTP `host`/`port` instead of writing `.eml` files.
    /// </summary>
    public bool DeliverMailOverSmtp { get; init; }

    /// <summary>
    /// `DAPR_API_TOKEN` every sidecar requires (and hands its app), unless the app sets its own; null = no token.
    /// </summary>
    public string? DaprApiToken { get; init; }

    /// <summary>
    /// `APP_API_TOKEN` every sidecar sends its app, unless the app sets its own; null = none.
    /// </summary>
    public string? AppApiToken { get; init; }

    /// <summary>
    /// How long an app may take to open its port.
    /// </summary>
    public TimeSpan AppReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an app has to exit after SIGTERM before it is killed.
    /// </summary>
    public TimeSpan AppStopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Restarts apps that exit by themselves; null = leave them stopped (they can be restarted with
    /// <see cref="LocalDaprRuntime.RestartAppAsync"/>). `localdapr run` uses <see cref="RestartPolicy.Default"/>.
    /// </summary>
    public RestartPolicy? RestartPolicy { get; init; }

    /// <summary>
    /// Receives each line an app writes, already prefixed with its instance (`== APP - orders-0 == ...`).
    /// </summary>
    public Action<string> AppOutput { get; init; } = Console.WriteLine;

    /// <summary>
    /// Runtime logs; null = console.
    /// </summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Where the runtime lists itself while it runs (a state file in <see cref="LocalDaprHome.RunsFolder"/>), so
    /// that `localdapr list`, `invoke` and `publish` in another process find its apps; null = not listed.
    /// </summary>
    public LocalDaprHome? Home { get; init; }

    /// <summary>
    /// An OTLP/gRPC collector (`http://127.0.0.1:4317`): the runtime exports its own spans and metrics there (service
    /// name `localdapr`), and every app gets it as OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_SERVICE_NAME = its app id
    /// (an app's own env wins). Null: the runtime exports nothing and sets no OTEL_* variable.
    /// </summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>
    /// The run file this runtime runs, shown by `localdapr list`; null when started through the API.
    /// </summary>
    public string? RunFile { get; init; }
}
