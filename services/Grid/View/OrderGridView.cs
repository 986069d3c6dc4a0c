using System.Globalization;
using DaprOrders.Contracts;
using Microsoft.Data.Sqlite;

namespace DaprOrders.Grid.View;

/// <summary>
/// The grid's materialized view: latest order state, payment and customer, one table per stream, joined per page.
/// Every Apply is idempotent, so a redelivered message changes nothing (and pushes nothing to the streams).
/// </summary>
internal sealed class OrderGridView(GridDatabase database, GridChangeFeed feed) : IDisposable
{
    public const int MaxPageSize = 500;

    // One writer at a time: SQLite allows one anyway, and the read-then-write of an order must not interleave.
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>Applies one event from the orders topic; true when the grid changed.</summary>
    public Task<bool> ApplyAsync(Order order, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var changed = await UpsertOrderAsync(connection, transaction, order, cancellationToken);
            return (changed, changed ? await RowChangeAsync(connection, transaction, order.Id, cancellationToken) : null);
        }, cancellationToken);

    /// <summary>
    /// Applies many order events in one transaction (loading or rebuilding the view); the streams are told to
    /// reset rather than sent every row. Returns how many changed the grid.
    /// </summary>
    public Task<int> ApplyAsync(IEnumerable<Order> orders, CancellationToken cancellationToken) =>
        WriteAsync<int>(async (connection, transaction) =>
        {
            var changed = 0;
            foreach (var order in orders)
            {
                changed += await UpsertOrderAsync(connection, transaction, order, cancellationToken) ? 1 : 0;
            }

            return (changed, changed > 0 ? new GridReset(await CountAsync(connection, transaction, cancellationToken)) : null);
        }, cancellationToken);

    /// <summary>Applies one event from the payments topic (latest payment per order wins); true when it changed.</summary>
    public Task<bool> ApplyAsync(Payment payment, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var changed = await ExecuteAsync(connection, transaction, """
                INSERT INTO payments (order_id, id, ccy, amount) VALUES ($orderId, $id, $ccy, $amount)
                ON CONFLICT (order_id) DO UPDATE SET id = excluded.id, ccy = excluded.ccy, amount = excluded.amount
                WHERE id IS NOT excluded.id OR ccy IS NOT excluded.ccy OR amount IS NOT excluded.amount
                """, cancellationToken,
                ("$orderId", payment.OrderId), ("$id", payment.Id), ("$ccy", payment.Ccy), ("$amount", Text(payment.Amount))) > 0;
            // A payment that came before its order has no row to show yet (no change to push); the order's arrival shows it.
            return (changed, changed ? await RowChangeAsync(connection, transaction, payment.OrderId, cancellationToken) : null);
        }, cancellationToken);

    /// <summary>Applies one event from the customers topic (latest record per customer wins); true when it changed.</summary>
    public Task<bool> ApplyAsync(Customer customer, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, transaction) =>
        {
            var changed = await ExecuteAsync(connection, transaction, """
                INSERT INTO customers (id, first_name, last_name, level) VALUES ($id, $first, $last, $level)
                ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, level = excluded.level
                WHERE first_name IS NOT excluded.first_name OR last_name IS NOT excluded.last_name OR level IS NOT excluded.level
                """, cancellationToken,
                ("$id", customer.Id), ("$first", customer.FirstName), ("$last", customer.LastName), ("$level", customer.Level)) > 0;
            return (changed, changed ? new CustomerChanged(customer.Id, FullName(customer.FirstName, customer.LastName), customer.Level) : null);
        }, cancellationToken);

    /// <summary>Rows <paramref name="offset"/> to <paramref name="offset"/> + <paramref name="limit"/> - 1, and the total.</summary>
    public async Task<OrdersPage> GetPageAsync(long offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);

        await using var connection = await database.ConnectAsync(cancellationToken);
        // One read transaction, so the total and the rows are of the same moment.
        // Deferred: a read transaction that never waits for the writer (WAL).
        await using var transaction = connection.BeginTransaction(deferred: true);
        var total = await CountAsync(connection, transaction, cancellationToken);
        var rows = await ReadRowsAsync(connection, transaction, "o.position >= $from AND o.position < $to", cancellationToken,
            ("$from", offset), ("$to", offset + limit));
        return new OrdersPage(total, offset, rows);
    }

    public async Task<GridRow?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        var rows = await ReadRowsAsync(connection, null, "o.id = $id", cancellationToken, ("$id", orderId));
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.ConnectAsync(cancellationToken);
        return await CountAsync(connection, null, cancellationToken);
    }

    // Changes are published after the commit and before the next write starts, so streams see them in commit order.
    private async Task<T> WriteAsync<T>(
        Func<SqliteConnection, SqliteTransaction, Task<(T Result, GridChange? Change)>> write, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await database.ConnectAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            var (result, change) = await write(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            if (change is not null)
            {
                feed.Publish(change);
            }

            return result;
        }
        finally
        {
            _writer.Release();
        }
    }

    private static async Task<bool> UpsertOrderAsync(
        SqliteConnection connection, SqliteTransaction transaction, Order order, CancellationToken cancellationToken)
    {
        await using var find = Command(connection, transaction, "SELECT state FROM orders WHERE id = $id", ("$id", order.Id));
        var current = await find.ExecuteScalarAsync(cancellationToken) as string;
        if (current is null)
        {
            // Positions stay dense because rows are never deleted and writes are serialized; MAX on the rowid is O(1).
            await ExecuteAsync(connection, transaction, """
                INSERT INTO orders (position, id, customer_id, state, product, quantity, price)
                VALUES ((SELECT COALESCE(MAX(position), -1) + 1 FROM orders), $id, $customerId, $state, $product, $quantity, $price)
                """, cancellationToken, OrderParameters(order));
            return true;
        }

        if (!OrderStates.Supersedes(order.State, WireNames.Parse<OrderState>(current)))
        {
            return false;
        }

        await ExecuteAsync(connection, transaction, """
            UPDATE orders SET customer_id = $customerId, state = $state, product = $product, quantity = $quantity, price = $price
            WHERE id = $id
            """, cancellationToken, OrderParameters(order));
        return true;
    }

    private static (string, object)[] OrderParameters(Order order) =>
    [
        ("$id", order.Id), ("$customerId", order.CustomerId), ("$state", WireNames.Of(order.State)),
        ("$product", WireNames.Of(order.Product)), ("$quantity", order.Quantity), ("$price", Text(order.Price)),
    ];

    private static async Task<GridChange?> RowChangeAsync(
        SqliteConnection connection, SqliteTransaction transaction, string orderId, CancellationToken cancellationToken)
    {
        var rows = await ReadRowsAsync(connection, transaction, "o.id = $id", cancellationToken, ("$id", orderId));
        return rows.Count == 1 ? new RowChanged(await CountAsync(connection, transaction, cancellationToken), rows[0]) : null;
    }

    private static async Task<long> CountAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var count = Command(connection, transaction, "SELECT COALESCE(MAX(position), -1) + 1 FROM orders");
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<List<GridRow>> ReadRowsAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string where, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, $"""
            SELECT o.position, o.id, o.customer_id, c.first_name, c.last_name, c.level,
                   o.product, o.quantity, o.price, o.state, p.amount, p.ccy
            FROM orders o
            LEFT JOIN customers c ON c.id = o.customer_id
            LEFT JOIN payments p ON p.order_id = o.id
            WHERE {where}
            ORDER BY o.position
            """, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<GridRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var known = !reader.IsDBNull(3);
            rows.Add(new GridRow(
                Position: reader.GetInt64(0),
                OrderId: reader.GetString(1),
                CustomerId: reader.GetString(2),
                CustomerName: known ? FullName(reader.GetString(3), reader.GetString(4)) : null,
                CustomerLevel: known ? reader.GetString(5) : null,
                Product: WireNames.Parse<Product>(reader.GetString(6)),
                Quantity: reader.GetInt32(7),
                Price: Number(reader.GetString(8)),
                State: WireNames.Parse<OrderState>(reader.GetString(9)),
                PaymentAmount: reader.IsDBNull(10) ? null : Number(reader.GetString(10)),
                PaymentCcy: reader.IsDBNull(11) ? null : reader.GetString(11)));
        }

        return rows;
    }

    private static async Task<int> ExecuteAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static SqliteCommand Command(
        SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    public void Dispose() => _writer.Dispose();

    private static string FullName(string firstName, string lastName) => $"{firstName} {lastName}".Trim();

    // Money is stored as invariant text: exact, unlike SQLite's REAL.
    private static string Text(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

    private static decimal Number(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
