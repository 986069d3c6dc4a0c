namespace DaprOrders.Grid.Tests;

/// <summary>A fresh folder for one test's SQLite file, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("grid-tests-").FullName;

    public string Path => System.IO.Path.Combine(Folder, "grid.db");

    public void Dispose()
    {
        // Pooled SQLite connections keep the file open until the pools are cleared.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}
