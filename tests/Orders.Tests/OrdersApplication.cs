using Dapr.Actors;
using Dapr.Actors.Runtime;
using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;
using DaprOrders.ServiceDefaults.Publishing;
using DaprOrders.ServiceDefaults.State;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The orders service in memory with its three seams faked: publisher, state store, and the way to the
/// validation actors (real <see cref="OrderValidationActor"/>s on the Dapr actor test host, one turn at a time).
/// Production environment, so nothing depends on development-only behaviour.
/// </summary>
/// With <c>actorSidecar</c>, the real actor proxy and runtime are used instead, against that sidecar address.
/// Instances of one deployment share a state store (pass <c>sharedStore</c>), as orders instances share Dapr's.
internal sealed class OrdersApplication(string? actorSidecar = null, InMemoryStateStore? sharedStore = null) : WebApplicationFactory<Program>
{
    public RecordingEventPublisher Publisher { get; } = new();

    public InMemoryStateStore StateStore { get; } = sharedStore ?? new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IEventPublisher>(Publisher);
            services.AddSingleton<IStateStore>(StateStore);
            if (actorSidecar is null)
            {
                services.AddSingleton<IOrderValidation, InProcessOrderValidation>();
            }
            else
            {
                services.Configure<ActorRuntimeOptions>(options => options.HttpEndpoint = actorSidecar);
            }
        });
    }
}

/// <summary>Runs the validation actors in process, with the turn-based access Dapr guarantees.</summary>
internal sealed class InProcessOrderValidation(IEventPublisher publisher, IOptions<ValidationOptions> options) : IOrderValidation, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Dictionary<string, InMemoryActorStateManager> _states = [];
    private readonly RecordingActorTimerManager _timers = new();

    public async Task<SubmitOutcome> SubmitAsync(Order order, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await ActorFor(order.Id).SubmitAsync(order, cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    public async Task RecordAsync(OrderValidation validation, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            await ActorFor(validation.OrderId).RecordAsync(validation, cancellationToken);
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();

    private OrderValidationActor ActorFor(string orderId)
    {
        if (!_states.TryGetValue(orderId, out var state))
        {
            _states[orderId] = state = new InMemoryActorStateManager();
        }

        // A failed turn leaves no unsaved changes behind, as in the real runtime.
        state.Restart();
        var host = ActorHost.CreateForTest<OrderValidationActor>(new ActorTestOptions
        {
            ActorId = new ActorId(orderId),
            TimerManager = _timers,
            JsonSerializerOptions = ContractsJson.Options,
        });
        return new OrderValidationActor(host, publisher, options, state);
    }
}
