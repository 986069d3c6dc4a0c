using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.State;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// Runtime-wide singletons handed to every feature when the runtime starts (see <see cref="SidecarFeatures"/>).
/// </summary>
public sealed class RuntimeContext(LocalDaprOptions options, RuntimeResources resources, ILoggerFactory loggers, StateStores stateStores)
{
    public LocalDaprOptions Options { get; } = options;

    public RuntimeResources Resources { get; } = resources;

    public ILoggerFactory Loggers { get; } = loggers;

    public TimeProvider Time => Options.Time;

    /// <summary>
    /// The state stores (one per `state.*` component), shared by all sidecars; actor state is in
    /// <see cref="StateStores.ActorStateStore"/>.
    /// </summary>
    public StateStores StateStores { get; } = stateStores;
}
