namespace DaprOrders.LocalDapr.TestApp;

/// Topic handlers and publish endpoints for the pub/sub conformance tests (owned by the pub/sub engineer).
public static class PubSubTestEndpoints
{
    public static IEndpointRouteBuilder MapPubSubTestEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
