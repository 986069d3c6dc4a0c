using DaprOrders.LocalDapr.Components;

namespace DaprOrders.LocalDapr.Runtime;

/// Runtime-wide settings: where the components come from, where mail goes, tokens, time limits.
public sealed class LocalDaprOptions
{
    /// Folders whose `*.yaml`/`*.yml` files are loaded; ignored when <see cref="Resources"/> is given.
    public IReadOnlyList<string> ResourcesPaths { get; init; } = [];

    /// Already loaded resources (tests), instead of <see cref="ResourcesPaths"/>.
    public RuntimeResources? Resources { get; init; }

    /// Where `bindings.smtp` writes each mail as an `.eml` file.
    public string MailFolder { get; init; } = Path.Combine(Path.GetTempPath(), "localdapr", "mail");

    /// Deliver mail to the component's SMTP `host`/`port` instead of writing `.eml` files.
    public bool DeliverMailOverSmtp { get; init; }

    /// `DAPR_API_TOKEN` every sidecar requires (and hands its app), unless the app sets its own; null = no token.
    public string? DaprApiToken { get; init; }

    /// `APP_API_TOKEN` every sidecar sends its app, unless the app sets its own; null = none.
    public string? AppApiToken { get; init; }

    /// How long an app may take to open its port.
    public TimeSpan AppReadyTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// How long an app has to exit after SIGTERM before it is killed.
    public TimeSpan AppStopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// Receives each line an app writes, already prefixed with its instance (`== APP - orders-0 == ...`).
    public Action<string> AppOutput { get; init; } = Console.WriteLine;

    /// Runtime logs; null = console.
    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
