using System.Text.Json;

namespace DaprOrders.Loaders.Bench;

/// <summary>
/// `--json`: the whole report, camelCase, indented, so runs can be compared with a diff or a script.
/// </summary>
internal static class BenchJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    public static async Task WriteAsync(BenchReport report, string path, CancellationToken cancellationToken)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, Options, cancellationToken);
    }
}
