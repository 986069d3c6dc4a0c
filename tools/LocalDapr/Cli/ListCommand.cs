using System.CommandLine;
using System.Text;
using System.Text.Json;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// `localdapr list [-o table|json|yaml]`: every app instance of every running runtime, as `dapr list` shows the
/// daprd processes (dapr/cli cmd/list.go): a table whose columns that are blank in every row are left out, or the
/// rows as JSON (indented by two spaces) or YAML; "No Dapr instances found." for an empty table.
/// </summary>
public static class ListCommand
{
    private const string ColumnGap = "  ";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>
    /// The command, with the dapr CLI's flag names.
    /// </summary>
    public static Command Create()
    {
        var output = new Option<string>("--output", "-o")
        {
            Description = "The output format of the list: json, yaml, or table (default).",
            DefaultValueFactory = _ => "table",
        };
        output.AcceptOnlyFromAmong("table", "json", "yaml");
        var command = new Command("list", "List the app instances of every running `localdapr run`, as `dapr list`.") { output };
        command.SetAction((parse, _) => CliAction.RunAsync(() => Console.Out.WriteAsync(Render(Rows(), parse.GetValue(output)!))));
        return command;
    }

    private static List<ListRow> Rows()
    {
        var now = DateTimeOffset.UtcNow;
        return RunningApps.Runs().SelectMany(run => run.Apps.Select(app => ListRow.Of(run, app, now))).ToList();
    }

    private static string Render(List<ListRow> rows, string format) => format switch
    {
        "json" => JsonSerializer.Serialize(rows, Json) + Environment.NewLine,
        "yaml" => new SerializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build().Serialize(rows),
        _ when rows.Count == 0 => "No Dapr instances found." + Environment.NewLine,
        _ => Table(rows),
    };

    private static string Table(List<ListRow> rows)
    {
        var columns = ListRow.Columns
            .Select(c => (c.Header, Cells: rows.Select(c.Value).ToList()))
            .Where(c => c.Cells.Exists(cell => cell.Length > 0))
            .ToList();
        var widths = columns.Select(c => Math.Max(c.Header.Length, c.Cells.Max(cell => cell.Length))).ToList();
        var text = new StringBuilder();
        void Line(Func<int, string> cell) =>
            text.AppendLine(string.Join(ColumnGap, columns.Select((_, i) => cell(i).PadRight(widths[i]))).TrimEnd());

        Line(i => columns[i].Header);
        for (var row = 0; row < rows.Count; row++)
        {
            Line(i => columns[i].Cells[row]);
        }

        return text.ToString();
    }
}
