using System.ComponentModel.DataAnnotations;

namespace DaprOrders.Grid;

/// <summary>Configuration section "Grid" (env: <c>Grid__Database</c>).</summary>
public sealed class GridOptions
{
    public const string Section = "Grid";

    /// <summary>
    /// The SQLite file that holds the view. Relative paths are under the app's content root; the default,
    /// <c>data/grid.db</c>, is the app's data folder (a volume in a container).
    /// </summary>
    [Required]
    public string Database { get; set; } = Path.Combine("data", "grid.db");
}
