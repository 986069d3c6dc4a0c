using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// One running <see cref="OrderSystem"/> with the four order services, shared by the tests of a class or
/// collection (they run one after another). Its tests isolate themselves by their own order and customer ids.
/// </summary>
public sealed class OrderSystemFixture : IAsyncLifetime
{
    private readonly IReadOnlyList<string> _appIds;
    private OrderSystem? _system;

    public OrderSystemFixture()
        : this(OrderSystem.OrderServices)
    {
    }

    internal OrderSystemFixture(IReadOnlyList<string> appIds) => _appIds = appIds;

    public OrderSystem System => _system ?? throw new InvalidOperationException("Not started.");

    public async ValueTask InitializeAsync() =>
        _system = await OrderSystem.StartAsync(_appIds, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
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
