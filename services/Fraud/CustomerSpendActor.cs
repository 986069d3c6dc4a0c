using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using Microsoft.Extensions.Options;

namespace DaprOrders.Fraud;

/// <summary>
/// Holds one customer's current session window. Dapr runs one call per actor at a time, so two orders of the same
/// customer can never both read the old total.
/// </summary>
[Actor(TypeName = TypeName)]
public sealed class CustomerSpendActor : Actor, ICustomerSpendActor
{
    public const string TypeName = "CustomerSpendActor";
    internal const string WindowKey = "window";

    private readonly TimeProvider _time;
    private readonly FraudOptions _options;

    public CustomerSpendActor(ActorHost host, TimeProvider time, IOptions<FraudOptions> options)
        : base(host)
    {
        _time = time;
        _options = options.Value;
    }

    /// <summary>For tests: the Dapr test host has no sidecar, so the state manager is a test double.</summary>
    internal CustomerSpendActor(ActorHost host, TimeProvider time, IOptions<FraudOptions> options, IActorStateManager stateManager)
        : this(host, time, options)
    {
        StateManager = stateManager;
    }

    public async Task<OrderValidation> CheckAsync(Order order, CancellationToken cancellationToken = default)
    {
        var stored = await StateManager.TryGetStateAsync<SpendingWindow>(WindowKey, cancellationToken);
        var window = stored.HasValue ? stored.Value : null;

        var decision = FraudPolicy.Check(window, order, _time.GetUtcNow(), _options);
        if (decision.Window != window)
        {
            // Saved before the caller publishes the verdict: a redelivery then finds it and publishes the same one.
            await StateManager.SetStateAsync(WindowKey, decision.Window, cancellationToken);
            await StateManager.SaveStateAsync(cancellationToken);
            Logger.LogInformation("Order {OrderId} of customer {CustomerId}: fraud check {Result}, session total {Total}",
                order.Id, order.CustomerId, decision.Result, decision.Window.Total);
        }

        return new OrderValidation(order.Id, OrderValidationType.FraudCheck, decision.Result);
    }
}
