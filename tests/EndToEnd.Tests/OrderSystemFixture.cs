using DaprOrders.Contracts;
using DaprOrders.EndToEnd.Tests.Telemetry;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// One running <see cref="OrderSystem"/> with the four order services, shared by the tests of a class or
/// collection (they run one after another). Its tests isolate themselves by their own order and customer ids.
/// The shared system (the parameterless constructor) exports its telemetry to a <see cref="SilentCollector"/>, a
/// collector that never answers: every test on it also shows that a collector that is away never fails or holds up
/// an order.
/// </summary>
public sealed class OrderSystemFixture : IAsyncLifetime
{
    private readonly IReadOnlyList<string> _appIds;
    private readonly Uri? _otlpEndpoint;
    private readonly IReadOnlyDictionary<string, string>? _env;
    private readonly SilentCollector? _silentCollector;
    private OrderSystem? _system;

    public OrderSystemFixture()
        : this(OrderSystem.OrderServices, new SilentCollector())
    {
    }

    private OrderSystemFixture(IReadOnlyList<string> appIds, SilentCollector collector)
        : this(appIds, collector.Endpoint) => _silentCollector = collector;

    internal OrderSystemFixture(IReadOnlyList<string> appIds, Uri? otlpEndpoint = null, IReadOnlyDictionary<string, string>? env = null)
    {
        _appIds = appIds;
        _otlpEndpoint = otlpEndpoint;
        _env = env;
    }

    public OrderSystem System => _system ?? throw new InvalidOperationException("Not started.");

    /// <summary>The collector that never answers, which the shared system exports to.</summary>
    public SilentCollector SilentCollector => _silentCollector ?? throw new InvalidOperationException("This system exports no telemetry to a silent collector.");

    public async ValueTask InitializeAsync() =>
        _system = await OrderSystem.StartAsync(_appIds, _env, _otlpEndpoint, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        // First, so the exporters' hanging calls fail at once instead of holding up the apps' shutdown.
        if (_silentCollector is not null)
        {
            await _silentCollector.DisposeAsync();
        }

        if (_system is not null)
        {
            await _system.DisposeAsync();
        }
    }
}

/// <summary>The order services with orders scaled out to two instances.</summary>
public sealed class TwoOrdersInstancesFixture : IAsyncLifetime
{
    private readonly OrderSystemFixture _inner = new([AppIds.Orders, AppIds.Orders, AppIds.OrderDetails, AppIds.Fraud, AppIds.Inventory]);

    public OrderSystem System => _inner.System;

    public ValueTask InitializeAsync() => _inner.InitializeAsync();

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}

/// <summary>
/// The tests that share one system for orders of <see cref="Product.Jumpers"/> (they give it plenty of stock);
/// stock-sensitive tests run their own system.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SharedOrderSystem : ICollectionFixture<OrderSystemFixture>
{
    public const string Name = "Shared order system";
}

/// <summary>Unique ids per test, valid as order and customer ids (`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`).</summary>
public static class TestIds
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
