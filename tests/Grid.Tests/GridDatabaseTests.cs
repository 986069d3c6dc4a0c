using DaprOrders.Contracts;
using DaprOrders.Grid.View;
using DaprOrders.TestDoubles;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprOrders.Grid.Tests;

public sealed class GridDatabaseTests : IDisposable
{
    private readonly TempDatabase _folder = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_relative_path_is_under_the_content_root_and_its_folder_is_created()
    {
        var database = GridDatabase.Open(Path.Combine("data", "grid.db"), _folder.Folder);

        await database.CreateSchemaAsync(Cancel);

        Assert.True(File.Exists(Path.Combine(_folder.Folder, "data", "grid.db")));
    }

    [Fact]
    public async Task The_default_path_is_the_data_folder_under_the_content_root()
    {
        var database = GridDatabase.Open(new GridOptions().Database, _folder.Folder);

        await database.CreateSchemaAsync(Cancel);

        Assert.True(File.Exists(Path.Combine(_folder.Folder, "data", "grid.db")));
    }

    [Fact]
    public async Task Creating_the_schema_again_keeps_the_rows()
    {
        var database = GridDatabase.Open(_folder.Path, _folder.Folder);
        await database.CreateSchemaAsync(Cancel);
        using (var view = new OrderGridView(database, new GridChangeFeed()))
        {
            await view.ApplyAsync(TestOrders.Created("o-kept"), Cancel);
        }

        await database.CreateSchemaAsync(Cancel);

        using var reopened = new OrderGridView(database, new GridChangeFeed());
        Assert.NotNull(await reopened.FindAsync("o-kept", Cancel));
    }

    [Fact]
    public async Task An_unusable_database_path_stops_the_start()
    {
        // A file where the database's folder should be.
        var blocker = Path.Combine(_folder.Folder, "not-a-folder");
        await File.WriteAllTextAsync(blocker, "", Cancel);
        var logs = new RecordingLoggerProvider();
        await using var grid = new GridApplication();
        await using var app = grid.WithWebHostBuilder(builder => builder
            .UseSetting($"{GridOptions.Section}:{nameof(GridOptions.Database)}", Path.Combine(blocker, "grid.db"))
            .ConfigureLogging(logging => logging.AddProvider(logs)));

        // WebApplicationFactory passes the failed start's exception on, unless the failed host was disposed before it
        // looked (a race of its own, lost on a loaded machine): then it throws ObjectDisposedException. The host's
        // log of the failed start says what stopped it either way.
        Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains(logs.Entries, e => e.Level >= LogLevel.Error && e.Exception is IOException { Message: var message } && message.Contains("not-a-folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clean_stop_folds_the_write_ahead_log_into_the_file_and_keeps_the_rows()
    {
        await using (var app = new GridApplication(_folder))
        {
            using var client = app.CreateClient();
            var response = await client.PostAsync($"/events/{Topics.Orders}", TestDoubles.CloudEvents.Wrap(TestOrders.Created("o-stop"), Topics.Orders), Cancel);
            response.EnsureSuccessStatusCode();
            Assert.True(File.Exists(_folder.Path + "-wal"));
        }

        Assert.False(File.Exists(_folder.Path + "-wal"));
        var database = GridDatabase.Open(_folder.Path, _folder.Folder);
        using var view = new OrderGridView(database, new GridChangeFeed());
        Assert.NotNull(await view.FindAsync("o-stop", Cancel));
    }

    [Fact]
    public async Task Closing_one_databases_connections_leaves_another_databases_open()
    {
        using var otherFolder = new TempDatabase();
        var stopping = GridDatabase.Open(_folder.Path, _folder.Folder);
        var running = GridDatabase.Open(otherFolder.Path, otherFolder.Folder);
        foreach (var database in new[] { stopping, running })
        {
            await database.CreateSchemaAsync(Cancel);
            using var view = new OrderGridView(database, new GridChangeFeed());
            await view.ApplyAsync(TestOrders.Created("o-pooled"), Cancel);
        }

        stopping.ClosePooledConnections();

        Assert.False(File.Exists(_folder.Path + "-wal"));
        Assert.True(File.Exists(otherFolder.Path + "-wal"));
    }
}
