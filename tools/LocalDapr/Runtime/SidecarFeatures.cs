using DaprOrders.LocalDapr.Actors;
using DaprOrders.LocalDapr.Bindings;
using DaprOrders.LocalDapr.Invocation;
using DaprOrders.LocalDapr.PubSub;
using DaprOrders.LocalDapr.Sidecars;
using DaprOrders.LocalDapr.State;
using DaprOrders.LocalDapr.Workflows;

namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// The building blocks every sidecar serves. Add a feature here: one line, constructed from the runtime context.
/// </summary>
public static class SidecarFeatures
{
    public static IReadOnlyList<ISidecarFeature> Create(RuntimeContext runtime) =>
    [
        new StateFeature(runtime.StateStores),
        new BindingsFeature(runtime.Resources, runtime.Options.MailFolder, runtime.Options.DeliverMailOverSmtp, runtime.Loggers),
        new ActorsFeature(runtime.StateStores.ActorStateStore, runtime.Time, runtime.Loggers),
        new PubSubFeature(runtime.Resources, runtime.Time, runtime.Loggers),
        new WorkflowsFeature(runtime.StateStores.ActorStateStore, runtime.Resources, runtime.Time, runtime.Loggers),
        new InvocationFeature(runtime.Resources, runtime.Time),
    ];
}
