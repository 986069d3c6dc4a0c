using System.Text.Json;
using Dapr.Client;

namespace DaprOrders.LocalDapr.TestApp;

/// <summary>
/// The app's own use of state and bindings through DaprClient (gRPC), driven by the state/binding conformance tests.
/// </summary>
public static class StateTestEndpoints
{
    public sealed record SavedState(JsonElement? Value, string ETag);

    public sealed record TrySaveResult(bool Saved);

    public sealed record MailRequest(string Body, string Subject, string To);

    public static IEndpointRouteBuilder MapStateTestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var state = endpoints.MapGroup("/test/state/{store}/{key}");

        state.MapPut("", async (string store, string key, JsonElement value, DaprClient dapr, CancellationToken cancellationToken) =>
        {
            await dapr.SaveStateAsync(store, key, value, cancellationToken: cancellationToken);
            return TypedResults.NoContent();
        });

        state.MapGet("", async (string store, string key, DaprClient dapr, CancellationToken cancellationToken) =>
        {
            var (value, etag) = await dapr.GetStateAndETagAsync<JsonElement?>(store, key, cancellationToken: cancellationToken);
            return TypedResults.Ok(new SavedState(value, etag));
        });

        // Saves only if the ETag still matches: the SDK's answer to a conflict is false, not an exception.
        state.MapPut("/if-match/{etag}", async (string store, string key, string etag, JsonElement value, DaprClient dapr, CancellationToken cancellationToken) =>
            TypedResults.Ok(new TrySaveResult(await dapr.TrySaveStateAsync(store, key, value, etag, cancellationToken: cancellationToken))));

        endpoints.MapPost("/test/bindings/{name}/mail", async (string name, MailRequest mail, DaprClient dapr, CancellationToken cancellationToken) =>
        {
            // Raw bytes: the typed overload would JSON-encode the body (quotes, \u003C escapes) and daprd passes that on.
            var request = new BindingRequest(name, "create") { Data = System.Text.Encoding.UTF8.GetBytes(mail.Body) };
            request.Metadata["subject"] = mail.Subject;
            request.Metadata["emailTo"] = mail.To;
            await dapr.InvokeBindingAsync(request, cancellationToken);
            return TypedResults.NoContent();
        });

        return endpoints;
    }
}
