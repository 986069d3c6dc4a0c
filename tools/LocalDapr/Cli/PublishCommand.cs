using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// `localdapr publish --publish-app-id loader --pubsub pubsub --topic warehouse-inventory --data '{...}'`: what
/// `dapr publish` does in self-hosted mode (dapr/cli cmd/publish.go, pkg/standalone/publish.go): POSTs the data to
/// `/v1.0/publish/{pubsub}/{topic}` on the publishing app's sidecar, with each `--metadata` entry as a
/// `metadata.{key}` query parameter, as `application/cloudevents+json` when the data is a whole CloudEvent (it has
/// `id`, `source`, `specversion`, `type` and `data`), else as `application/json`. Any answer but 2xx fails.
/// </summary>
public static class PublishCommand
{
    private static readonly string[] CloudEventFields = ["id", "source", "specversion", "type", "data"];

    /// <summary>
    /// The command, with the dapr CLI's flag names.
    /// </summary>
    public static Command Create()
    {
        var appId = new Option<string>("--publish-app-id", "-i") { Description = "The ID of the publishing app.", Required = true };
        var pubsub = new Option<string>("--pubsub", "-p") { Description = "The name of the pub/sub component.", Required = true };
        var topic = new Option<string>("--topic", "-t") { Description = "The topic to be published to.", Required = true };
        var metadata = new Option<string?>("--metadata", "-m") { Description = "The JSON serialized publish metadata (optional), e.g. '{\"partitionKey\":\"JUMPERS\"}'." };
        var body = RequestBody.Options();
        var command = new Command("publish", "Publish an event through an app's sidecar in a running `localdapr run`, as `dapr publish`.")
        {
            appId, pubsub, topic, body.Data, body.DataFile, metadata,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(() => PublishAsync(
            new Publication(parse.GetValue(appId)!, parse.GetValue(pubsub)!, parse.GetValue(topic)!, body.Read(parse), ParseMetadata(parse.GetValue(metadata))),
            cancellationToken)));
        return command;
    }

    private static async Task PublishAsync(Publication publication, CancellationToken cancellationToken)
    {
        using var request = publication.ToRequest();
        var failing = $"Error publishing topic {publication.Topic} in {publication.PubSub}";
        using var http = SidecarHttp.For(RunningApps.Find(publication.AppId, failing));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw CliException.Failed($"{failing}: {await SidecarHttp.DescribeAsync(response, cancellationToken)}");
            }
        }
        catch (HttpRequestException e)
        {
            throw CliException.Failed($"{failing}: {e.Message}");
        }

        await StatusLines.SuccessAsync("Event published successfully");
    }

    /// <summary>
    /// `--metadata` is a JSON object; its values are sent as their text (a string without its quotes).
    /// </summary>
    private static List<KeyValuePair<string, string>> ParseMetadata(string? json)
    {
        if (json is null)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw CliException.BadInput("--metadata is not a JSON object");
            }

            return document.RootElement.EnumerateObject()
                .Select(p => KeyValuePair.Create(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException e)
        {
            throw CliException.BadInput($"--metadata is not valid JSON: {e.Message}");
        }
    }

    /// <summary>
    /// One publish as given on the command line, checked before anything is looked up.
    /// </summary>
    private sealed record Publication(string AppId, string PubSub, string Topic, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Metadata)
    {
        public HttpRequestMessage ToRequest()
        {
            if (AppId.Length == 0 || PubSub.Length == 0 || Topic.Length == 0)
            {
                throw CliException.BadInput("--publish-app-id, --pubsub and --topic must not be empty");
            }

            RequestBody.RequireJson(Body);
            var query = string.Join('&', Metadata.Select(m => $"metadata.{Uri.EscapeDataString(m.Key)}={Uri.EscapeDataString(m.Value)}"));
            var path = $"v1.0/publish/{PubSub}/{Topic}{(query.Length > 0 ? "?" + query : "")}";
            var content = new ByteArrayContent(Body);
            content.Headers.ContentType = new MediaTypeHeaderValue(IsCloudEvent(Body) ? "application/cloudevents+json" : "application/json");
            return new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = content };
        }

        private static bool IsCloudEvent(byte[] body)
        {
            if (body.Length == 0)
            {
                return false;
            }

            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && CloudEventFields.All(field => document.RootElement.TryGetProperty(field, out _));
        }
    }
}
