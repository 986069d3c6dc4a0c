using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// The body of `invoke` and `publish`: `--data/-d` (a string) or `--data-file/-f` (a file's bytes), at most one of
/// them, as in the dapr CLI (cmd/invoke.go, cmd/publish.go). The dapr CLI sends it labelled JSON without looking
/// at it; here a body sent as JSON must be JSON (<see cref="RequireJson"/>), so that a mistyped `--data` is caught
/// on the command line instead of reaching the app as something it cannot read.
/// </summary>
public sealed class RequestBody
{
    private RequestBody(Option<string?> data, Option<FileInfo?> dataFile)
    {
        Data = data;
        DataFile = dataFile;
    }

    /// <summary>
    /// `--data/-d`.
    /// </summary>
    public Option<string?> Data { get; }

    /// <summary>
    /// `--data-file/-f`.
    /// </summary>
    public Option<FileInfo?> DataFile { get; }

    /// <summary>
    /// The two options, to add to a command.
    /// </summary>
    public static RequestBody Options() => new(
        new Option<string?>("--data", "-d") { Description = "The JSON serialized data string (optional)." },
        new Option<FileInfo?>("--data-file", "-f") { Description = "A file containing the JSON serialized data (optional)." });

    /// <summary>
    /// The bytes given (empty when neither option is).
    /// </summary>
    public byte[] Read(ParseResult parse)
    {
        var data = parse.GetValue(Data);
        var file = parse.GetValue(DataFile);
        if (data is not null && file is not null)
        {
            throw CliException.BadInput("only one of --data and --data-file may be given");
        }

        if (file is null)
        {
            return data is null ? [] : Encoding.UTF8.GetBytes(data);
        }

        try
        {
            return File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.BadInput($"cannot read --data-file '{file.FullName}': {e.Message}");
        }
    }

    /// <summary>
    /// Fails unless <paramref name="body"/> is empty or one JSON value.
    /// </summary>
    public static void RequireJson(byte[] body)
    {
        if (body.Length == 0)
        {
            return;
        }

        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw CliException.BadInput($"the data is not valid JSON: {e.Message}");
        }
    }
}
