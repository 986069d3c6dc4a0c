using DaprOrders.Grid.View;

namespace DaprOrders.Grid.Tests;

/// <summary>A fresh folder for one test's SQLite file, deleted afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("grid-tests-").FullName;

    public string Path => System.IO.Path.Combine(Folder, "grid.db");

    public void Dispose()
    {
        // Pooled SQLite connections keep a file open until its pool is cleared; only this folder's pools, as the
        // other tests of the process run at the same time on theirs.
        foreach (var file in Directory.EnumerateFiles(Folder, "*.db", SearchOption.AllDirectories))
        {
            GridDatabase.Open(file, Folder).ClosePooledConnections();
        }
        Directory.Delete(Folder, recursive: true);
    }
}
