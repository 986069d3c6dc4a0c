using DaprOrders.Contracts;
using DaprOrders.Grid.View;

namespace DaprOrders.Grid.Tests;

/// <summary>The view on a real SQLite file, without HTTP.</summary>
public sealed class OrderGridViewTests : IAsyncLifetime
{
    private readonly TempDatabase _database = new();
    private readonly GridChangeFeed _feed = new();
    private readonly string _id = $"o-{Guid.NewGuid():N}";
    private OrderGridView _view = null!;
    private GridChangeFeed.Subscription _changes = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _view = await OpenViewAsync();
        _changes = _feed.Subscribe();
    }

    public ValueTask DisposeAsync()
    {
        _changes.Dispose();
        _view.Dispose();
        _database.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<OrderGridView> OpenViewAsync()
    {
        var database = GridDatabase.Open(_database.Path, _database.Folder);
        await database.CreateSchemaAsync(Cancel);
        return new OrderGridView(database, _feed);
    }

    private List<GridChange> PublishedChanges()
    {
        var changes = new List<GridChange>();
        while (_changes.Changes.TryRead(out var change))
        {
            changes.Add(change);
        }

        return changes;
    }

    public static TheoryData<string> ArrivalOrders() => ["OPC", "OCP", "POC", "PCO", "COP", "CPO"];

    [Theory]
    [MemberData(nameof(ArrivalOrders))]
    public async Task An_order_its_payment_and_its_customer_join_whichever_arrives_first(string arrival)
    {
        var customerId = $"c-{Guid.NewGuid():N}";
        foreach (var stream in arrival)
        {
            _ = stream switch
            {
                'O' => await _view.ApplyAsync(TestOrders.Created(_id, customerId, quantity: 3, price: 30m), Cancel),
                'P' => await _view.ApplyAsync(TestOrders.PaymentFor(_id, 30m), Cancel),
                _ => await _view.ApplyAsync(TestOrders.Customer(customerId, "platinum"), Cancel),
            };
        }

        var row = await _view.FindAsync(_id, Cancel);

        Assert.Equal(
            new GridRow(0, _id, customerId, "Ada Lovelace", "platinum", Product.Jumpers, 3, 30m, OrderState.Created, 30m, "EUR"),
            row);
    }

    [Fact]
    public async Task An_order_without_payment_or_customer_yet_shows_them_empty()
    {
        await _view.ApplyAsync(TestOrders.Created(_id, "c-unknown"), Cancel);

        var row = await _view.FindAsync(_id, Cancel);

        Assert.NotNull(row);
        Assert.Equal("c-unknown", row.CustomerId);
        Assert.Null(row.CustomerName);
        Assert.Null(row.CustomerLevel);
        Assert.Null(row.PaymentAmount);
        Assert.Null(row.PaymentCcy);
    }

    [Fact]
    public async Task A_payment_without_its_order_adds_no_row()
    {
        await _view.ApplyAsync(TestOrders.PaymentFor(_id), Cancel);

        Assert.Null(await _view.FindAsync(_id, Cancel));
        Assert.Equal(0, await _view.CountAsync(Cancel));
        Assert.Empty(PublishedChanges());
    }

    [Theory]
    [InlineData(OrderState.Validated)]
    [InlineData(OrderState.Failed)]
    public async Task A_late_created_never_overwrites_a_validation_outcome(OrderState outcome)
    {
        var created = TestOrders.Created(_id);
        await _view.ApplyAsync(created with { State = outcome }, Cancel);

        var changed = await _view.ApplyAsync(created, Cancel);

        Assert.False(changed);
        Assert.Equal(outcome, (await _view.FindAsync(_id, Cancel))!.State);
    }

    [Fact]
    public async Task A_later_state_updates_the_row_in_place()
    {
        await _view.ApplyAsync(TestOrders.Created("o-first"), Cancel);
        await _view.ApplyAsync(TestOrders.Created(_id), Cancel);
        await _view.ApplyAsync(TestOrders.Created("o-last"), Cancel);

        Assert.True(await _view.ApplyAsync(TestOrders.Created(_id) with { State = OrderState.Validated }, Cancel));

        var row = await _view.FindAsync(_id, Cancel);
        Assert.Equal((1L, OrderState.Validated), (row!.Position, row.State));
        Assert.Equal(3, await _view.CountAsync(Cancel));
    }

    [Fact]
    public async Task Redelivered_events_change_nothing_and_push_nothing()
    {
        var order = TestOrders.Created(_id, "c-7");
        var payment = TestOrders.PaymentFor(_id);
        var customer = TestOrders.Customer("c-7");
        Assert.True(await _view.ApplyAsync(order, Cancel));
        Assert.True(await _view.ApplyAsync(payment, Cancel));
        Assert.True(await _view.ApplyAsync(customer, Cancel));
        var before = await _view.GetPageAsync(0, 10, Cancel);
        PublishedChanges();

        Assert.False(await _view.ApplyAsync(order, Cancel));
        Assert.False(await _view.ApplyAsync(payment, Cancel));
        Assert.False(await _view.ApplyAsync(customer, Cancel));

        var after = await _view.GetPageAsync(0, 10, Cancel);
        Assert.Equal(before.Total, after.Total);
        Assert.Equal(before.Rows, after.Rows);
        Assert.Empty(PublishedChanges());
    }

    [Fact]
    public async Task The_latest_customer_record_wins_on_every_row_of_that_customer()
    {
        await _view.ApplyAsync(TestOrders.Customer("c-9", "bronze"), Cancel);
        await _view.ApplyAsync(TestOrders.Created("o-a", "c-9"), Cancel);
        await _view.ApplyAsync(TestOrders.Created("o-b", "c-9"), Cancel);

        await _view.ApplyAsync(TestOrders.Customer("c-9", "gold", lastName: "King"), Cancel);

        var page = await _view.GetPageAsync(0, 10, Cancel);
        Assert.All(page.Rows, row => Assert.Equal(("Ada King", "gold"), (row.CustomerName, row.CustomerLevel)));
        Assert.Equal(new CustomerChanged("c-9", "Ada King", "gold"), PublishedChanges().Last());
    }

    [Fact]
    public async Task The_latest_payment_of_an_order_wins()
    {
        await _view.ApplyAsync(TestOrders.Created(_id), Cancel);
        await _view.ApplyAsync(TestOrders.PaymentFor(_id, 10m), Cancel);

        Assert.True(await _view.ApplyAsync(TestOrders.PaymentFor(_id, 12.5m), Cancel));

        Assert.Equal(12.5m, (await _view.FindAsync(_id, Cancel))!.PaymentAmount);
    }

    [Fact]
    public async Task A_changed_row_is_pushed_with_its_join_and_the_total()
    {
        await _view.ApplyAsync(TestOrders.Customer("c-3", "silver"), Cancel);
        await _view.ApplyAsync(TestOrders.Created("o-before"), Cancel);
        PublishedChanges();

        await _view.ApplyAsync(TestOrders.Created(_id, "c-3"), Cancel);
        await _view.ApplyAsync(TestOrders.PaymentFor(_id, 20m), Cancel);

        var changes = PublishedChanges().Cast<RowChanged>().ToList();
        Assert.Equal(2, changes.Count);
        Assert.All(changes, change => Assert.Equal((2L, 1L, "silver"), (change.Total, change.Row.Position, change.Row.CustomerLevel)));
        Assert.Null(changes[0].Row.PaymentAmount);
        Assert.Equal(20m, changes[1].Row.PaymentAmount);
    }

    [Fact]
    public async Task Pages_are_ranges_of_rows_in_order_of_arrival_with_the_total()
    {
        await _view.ApplyAsync(TestOrders.Numbered("o", 250), Cancel);

        var page = await _view.GetPageAsync(100, 50, Cancel);

        Assert.Equal((250L, 100L), (page.Total, page.Offset));
        Assert.Equal(Enumerable.Range(100, 50).Select(i => $"o-{i:D6}"), page.Rows.Select(row => row.OrderId));
        Assert.Equal(Enumerable.Range(100, 50).Select(i => (long)i), page.Rows.Select(row => row.Position));
    }

    [Fact]
    public async Task The_last_page_is_short_and_a_page_past_the_end_is_empty()
    {
        await _view.ApplyAsync(TestOrders.Numbered("o", 30), Cancel);

        Assert.Equal(10, (await _view.GetPageAsync(20, 100, Cancel)).Rows.Count);
        var beyond = await _view.GetPageAsync(500, 100, Cancel);
        Assert.Equal(30, beyond.Total);
        Assert.Empty(beyond.Rows);
    }

    [Fact]
    public async Task Loading_many_orders_pushes_one_reset_with_the_new_total()
    {
        var orders = TestOrders.Numbered("o", 1000).ToList();

        var changed = await _view.ApplyAsync(orders.Concat(orders.Take(10)), Cancel);

        Assert.Equal(1000, changed);
        Assert.Equal([new GridReset(1000)], PublishedChanges());
    }

    [Fact]
    public async Task The_view_survives_a_restart_and_new_orders_go_on_from_the_last_row()
    {
        await _view.ApplyAsync(TestOrders.Numbered("o", 5), Cancel);
        _view.Dispose();
        GridDatabase.Open(_database.Path, _database.Folder).ClosePooledConnections();

        _view = await OpenViewAsync();
        await _view.ApplyAsync(TestOrders.Created(_id), Cancel);

        Assert.Equal(6, await _view.CountAsync(Cancel));
        Assert.Equal(5, (await _view.FindAsync(_id, Cancel))!.Position);
        Assert.Equal("o-000004", (await _view.GetPageAsync(4, 1, Cancel)).Rows.Single().OrderId);
    }

    [Fact]
    public async Task Concurrent_deliveries_keep_positions_dense_and_unique()
    {
        var orders = TestOrders.Numbered("o", 200).ToList();

        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel },
            async (order, ct) => await _view.ApplyAsync(order, ct));

        var page = await _view.GetPageAsync(0, 200, Cancel);
        Assert.Equal(200, page.Total);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), page.Rows.Select(row => row.Position));
        Assert.Equal(orders.Select(order => order.Id).Order(), page.Rows.Select(row => row.OrderId).Order());
    }
}
