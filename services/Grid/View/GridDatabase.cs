using Microsoft.Data.Sqlite;

namespace DaprOrders.Grid.View;

/// <summary>The SQLite file that holds the view: where it is, how connections are opened, its schema.</summary>
internal sealed class GridDatabase(string connectionString)
{
    public static GridDatabase Open(string path, string contentRoot)
    {
        var fullPath = Path.GetFullPath(path, contentRoot);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var builder = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true };
        return new GridDatabase(builder.ToString());
    }

    public async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // A message is acknowledged (its offset committed) right after its row is written, so the write must
            // survive a power loss too: FULL syncs the write-ahead log at every commit.
            await ExecuteAsync(connection, "PRAGMA synchronous = FULL;", cancellationToken);
            return connection;
        }
        catch
        {
            // Back to the pool: an open connection left behind would keep the write-ahead log past a clean stop.
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        // WAL lets the page and the stream read while a delivery writes.
        await ExecuteAsync(connection, Schema, cancellationToken);
    }

    /// <summary>
    /// Closes this database's idle pooled connections; the last one to close checkpoints the write-ahead log into
    /// the file. Only this database's pool: clearing every pool of the process would close another database's too.
    /// </summary>
    public void ClosePooledConnections()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // One table per stream, each keyed as its topic is; the grid joins them per page on primary keys, so it does not
    // matter which of an order, its payment or its customer arrives first. `position` is the grid row number: dense,
    // 0-based, in order of arrival, and the rowid, so any page is a range scan however deep it is.
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS orders (
            position    INTEGER PRIMARY KEY,
            id          TEXT NOT NULL UNIQUE,
            customer_id TEXT NOT NULL,
            state       TEXT NOT NULL,
            product     TEXT NOT NULL,
            quantity    INTEGER NOT NULL,
            price       TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS payments (
            order_id TEXT PRIMARY KEY,
            id       TEXT NOT NULL,
            ccy      TEXT NOT NULL,
            amount   TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS customers (
            id         TEXT PRIMARY KEY,
            first_name TEXT NOT NULL,
            last_name  TEXT NOT NULL,
            level      TEXT NOT NULL
        ) WITHOUT ROWID;
        """;
}

/// <summary>
/// Creates the schema before the app listens, so a bad database path stops the start. At a clean stop closes the
/// pooled connections: the last one to close checkpoints the write-ahead log into the database file.
/// </summary>
internal sealed class GridDatabaseLifetime(GridDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.CreateSchemaAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        database.ClosePooledConnections();
        return Task.CompletedTask;
    }
}
