using System.CommandLine;
using System.Net.Http.Headers;

namespace DaprOrders.LocalDapr.Cli;

/// <summary>
/// `localdapr invoke --app-id orders --method v1/orders --verb POST --data '{...}'`: what `dapr invoke` does in
/// self-hosted mode (dapr/cli cmd/invoke.go, pkg/standalone/invoke.go): finds the app in the running runtimes and
/// calls `/v1.0/invoke/{appId}/method/{method}` on that app's own sidecar with the verb, the body as
/// `application/json` and the headers; prints the answer's body and the success line. An answer below 200 or
/// from 400 up fails the command, as in the dapr CLI (redirects are followed).
/// </summary>
public static class InvokeCommand
{
    private const string JsonMediaType = "application/json";

    /// <summary>
    /// The command, with the dapr CLI's flag names.
    /// </summary>
    public static Command Create()
    {
        var appId = new Option<string>("--app-id", "-a") { Description = "The application id to invoke.", Required = true };
        var method = new Option<string>("--method", "-m") { Description = "The method to invoke (a path, with a query string if needed).", Required = true };
        var verb = new Option<string>("--verb", "-v") { Description = "The HTTP verb to use.", DefaultValueFactory = _ => "POST" };
        var headers = new Option<string[]>("--header", "-H")
        {
            Description = "An HTTP header to send, Name=Value; may be given more than once. A Content-Type given here replaces application/json.",
        };
        var body = RequestBody.Options();
        var command = new Command("invoke", "Invoke a method on an app of a running `localdapr run`, as `dapr invoke`.")
        {
            appId, method, body.Data, body.DataFile, verb, headers,
        };
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(() => InvokeAsync(
            new Invocation(parse.GetValue(appId)!, parse.GetValue(method)!, parse.GetValue(verb)!, body.Read(parse), parse.GetValue(headers) ?? []),
            cancellationToken)));
        return command;
    }

    private static async Task InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        using var request = invocation.ToRequest();
        var failing = $"error invoking app {invocation.AppId}";
        using var http = SidecarHttp.For(RunningApps.Find(invocation.AppId, failing));
        string answer;
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode is < 200 or >= 400)
            {
                throw CliException.Failed($"{failing}: {await SidecarHttp.DescribeAsync(response, cancellationToken)}");
            }

            answer = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw CliException.Failed($"{failing}: {e.Message}");
        }

        if (answer.Length > 0)
        {
            await Console.Out.WriteLineAsync(answer);
        }

        await StatusLines.SuccessAsync("App invoked successfully");
    }

    /// <summary>
    /// One call as given on the command line, checked before anything is looked up.
    /// </summary>
    private sealed record Invocation(string AppId, string Method, string Verb, byte[] Body, IReadOnlyList<string> Headers)
    {
        public HttpRequestMessage ToRequest()
        {
            if (AppId.Length == 0 || Method.Length == 0)
            {
                throw CliException.BadInput("--app-id and --method must not be empty");
            }

            HttpMethod verb;
            try
            {
                verb = new HttpMethod(Verb);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw CliException.BadInput($"--verb '{Verb}' is not an HTTP method");
            }

            var content = new ByteArrayContent(Body);
            content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
            var request = new HttpRequestMessage(verb, new Uri($"v1.0/invoke/{AppId}/method/{Method}", UriKind.Relative)) { Content = content };
            foreach (var header in Headers)
            {
                var (name, value) = ParseHeader(header);
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    content.Headers.Remove(name); // a content header (Content-Type): the one given replaces the default
                    content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            if (IsJson(content.Headers.ContentType?.MediaType))
            {
                RequestBody.RequireJson(Body);
            }

            return request;
        }

        private static (string Name, string Value) ParseHeader(string header)
        {
            var split = header.IndexOf('=', StringComparison.Ordinal);
            var name = split < 0 ? "" : header[..split].Trim();
            var value = split < 0 ? "" : header[(split + 1)..].Trim();
            if (name.Length == 0 || value.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || c == ':'))
            {
                throw CliException.BadInput($"--header '{header}' is not Name=Value");
            }

            return (name, value);
        }

        private static bool IsJson(string? mediaType) =>
            mediaType is not null
            && (mediaType.Equals(JsonMediaType, StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
