using DaprOrders.LocalDapr.Runs;
using DaprOrders.Tests;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// `localdapr invoke` as a user runs it (the real executable), against a <see cref="FakeSidecar"/> listed in the
/// test's own home folder as app `orders`: what reaches the sidecar, what is printed, the exit codes.
/// </summary>
public sealed class InvokeCommandTests : IAsyncLifetime
{
    private const string Order = """{"id":"o-1","customerId":"c-1","product":"JUMPERS","quantity":1,"price":10}""";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("localdapr-invoke-");
    private FakeSidecar? _sidecar;

    private LocalDaprHome Home => new(_folder.FullName);

    private FakeSidecar Sidecar => _sidecar!;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await FakeSidecar.StartAsync();
        _sidecar.Register(Home, "orders", DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Invoke_calls_the_method_on_the_app_sidecar_and_prints_the_answer_and_the_success_line()
    {
        Sidecar.Answer = (201, "application/json", """{"id":"o-1","state":"CREATED"}""");

        var result = await InvokeAsync("--app-id", "orders", "--method", "v1/orders", "--verb", "POST", "--data", Order, "--header", "X-Request-Source=cli");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["""{"id":"o-1","state":"CREATED"}""", "✅  App invoked successfully"], result.Output);
        Assert.Empty(result.Errors);
        var request = Assert.Single(Sidecar.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(("/v1.0/invoke/orders/method/v1/orders", ""), (request.Path, request.Query));
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(Order, request.Body);
        Assert.Equal("cli", request.Headers["x-request-source"]);
    }

    [Fact]
    public async Task Short_flags_GET_and_a_query_string_in_the_method_are_passed_as_given_and_POST_is_the_default()
    {
        var get = await InvokeAsync("-a", "orders", "-m", "v1/orders/o-1/validated?timeout=20000", "-v", "GET");
        var post = await InvokeAsync("-a", "orders", "-m", "v1/orders", "-d", Order);

        Assert.True(get.ExitCode == 0 && post.ExitCode == 0, $"{get}{Environment.NewLine}{post}");
        Assert.Equal(["✅  App invoked successfully"], get.Output); // an empty answer prints no body line
        Assert.Collection(Sidecar.Requests,
            r => Assert.Equal(("GET", "/v1.0/invoke/orders/method/v1/orders/o-1/validated", "?timeout=20000", ""), (r.Method, r.Path, r.Query, r.Body)),
            r => Assert.Equal(("POST", Order), (r.Method, r.Body)));
    }

    [Fact]
    public async Task Data_file_is_the_body_and_a_content_type_header_replaces_json()
    {
        var file = Path.Combine(_folder.FullName, "order.json");
        await File.WriteAllTextAsync(file, Order, TestContext.Current.CancellationToken);

        var fromFile = await InvokeAsync("-a", "orders", "-m", "v1/orders", "-f", file);
        var text = await InvokeAsync("-a", "orders", "-m", "notes", "-d", "not json", "-H", "Content-Type=text/plain", "-H", "X-One=1");

        Assert.True(fromFile.ExitCode == 0 && text.ExitCode == 0, $"{fromFile}{Environment.NewLine}{text}");
        Assert.Collection(Sidecar.Requests,
            r => Assert.Equal(("application/json", Order), (r.ContentType, r.Body)),
            r => Assert.Equal(("text/plain", "not json", "1"), (r.ContentType, r.Body, r.Headers["x-one"])));
    }

    [Fact]
    public async Task The_callers_dapr_api_token_is_sent_to_the_sidecar()
    {
        var result = await InvokeAsync(new Dictionary<string, string> { ["DAPR_API_TOKEN"] = "secret-1" }, "-a", "orders", "-m", "v1/orders", "-v", "GET");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("secret-1", Assert.Single(Sidecar.Requests).Headers["dapr-api-token"]);
    }

    [Fact]
    public async Task An_error_answer_is_one_line_on_stderr_with_status_and_body_and_exit_code_1()
    {
        Sidecar.Answer = (400, "application/problem+json", "{\"title\":\"The request could not be read.\",\n\"status\":400}");

        var result = await InvokeAsync("-a", "orders", "-m", "v1/orders", "-d", Order);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.Equal(["""❌  error invoking app orders: 400 Bad Request: {"title":"The request could not be read.", "status":400}"""], result.Errors);
    }

    [Fact]
    public async Task Through_a_real_runtime_the_call_reaches_the_app_and_its_error_answer_fails_the_command()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "echo-app");
        await using var _ = app;

        var echoed = await LocalDaprProcess.RunAsync(runtime.Home.Folder,
            ["invoke", "-a", "echo-app", "-m", "echo/items?page=2", "-v", "PUT", "-d", """{"k":1}""", "-H", "X-Trace=t-1"]);
        var missing = await LocalDaprProcess.RunAsync(runtime.Home.Folder, ["invoke", "-a", "echo-app", "-m", "status/404", "-v", "GET"]);

        Assert.True(echoed.ExitCode == 0, echoed.ToString());
        Assert.Equal("✅  App invoked successfully", echoed.Output[^1]);
        var seen = RecordedRequest.FromJson(echoed.Output[0]);
        Assert.Equal(("PUT", "/echo/items", "?page=2", """{"k":1}""", "application/json", "t-1"), (seen.Method, seen.Path, seen.Query, seen.Body, seen.ContentType, seen.Headers["x-trace"]));
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(["❌  error invoking app echo-app: 404 Not Found: status 404"], missing.Errors);
    }

    [Fact]
    public async Task Of_two_runs_with_the_same_app_id_the_older_one_is_called()
    {
        await using var newer = await FakeSidecar.StartAsync();
        await using var older = await FakeSidecar.StartAsync();
        newer.Register(Home, "fraud", DateTimeOffset.UtcNow.AddMinutes(-1));
        older.Register(Home, "fraud", DateTimeOffset.UtcNow.AddMinutes(-2));

        var result = await InvokeAsync("-a", "fraud", "-m", "check", "-v", "GET");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(older.Requests);
        Assert.Empty(newer.Requests);
    }

    [Fact]
    public async Task An_app_id_no_run_has_is_one_line_naming_the_running_ones_and_exit_code_1()
    {
        var result = await InvokeAsync("-a", "shipping", "-m", "v1/ship");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["❌  error invoking app shipping: app ID shipping not found (running: orders)"], result.Errors);
    }

    [Fact]
    public async Task Without_a_running_runtime_it_is_one_line_and_exit_code_1()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_folder.FullName, "empty-home")).FullName;

        var result = await LocalDaprProcess.RunAsync(empty, ["invoke", "-a", "orders", "-m", "v1/orders", "-d", Order]);

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Output);
        Assert.Equal([$"❌  error invoking app orders: no localdapr run is running (none listed in {Path.Combine(empty, "runs")})"], result.Errors);
    }

    [Fact]
    public async Task A_sidecar_that_does_not_answer_is_one_line_and_exit_code_1()
    {
        var port = Sidecar.Port;
        await Sidecar.DisposeAsync();

        var result = await InvokeAsync("-a", "orders", "-m", "v1/orders", "-v", "GET");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("❌  error invoking app orders: ", error, StringComparison.Ordinal);
        Assert.Contains($"{port}", error, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private Task<CliResult> InvokeAsync(params string[] arguments) => InvokeAsync(null, arguments);

    private Task<CliResult> InvokeAsync(IReadOnlyDictionary<string, string>? env, params string[] arguments) =>
        LocalDaprProcess.RunAsync(_folder.FullName, ["invoke", .. arguments], env);
}
