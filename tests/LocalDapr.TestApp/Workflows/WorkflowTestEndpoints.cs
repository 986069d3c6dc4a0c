using Dapr.Workflow;
using static DaprOrders.LocalDapr.TestApp.Workflows.WorkflowTestNames;

namespace DaprOrders.LocalDapr.TestApp.Workflows;

/// <summary>
/// The test workflows, run by the real Dapr.Workflow worker: it connects to the sidecar's gRPC port (DAPR_GRPC_PORT)
/// and takes work items from the sidecar's TaskHubSidecarService, as with daprd.
/// </summary>
public static class WorkflowTestEndpoints
{
    public static WebApplicationBuilder AddWorkflowTestServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<WorkflowGates>();
        builder.Services.AddDaprWorkflow(options =>
        {
            options.RegisterWorkflow<OneActivityWorkflow>(OneActivity);
            options.RegisterWorkflow<FanOutWorkflow>(FanOut);
            options.RegisterWorkflow<GatedThenEventWorkflow>(GatedThenEvent);
            options.RegisterWorkflow<EventWithTimeoutWorkflow>(EventWithTimeout);
            options.RegisterWorkflow<CallFlakyWorkflow>(CallFlaky);
            options.RegisterWorkflow<ParentWorkflow>(Parent);
            options.RegisterWorkflow<ChildWorkflow>(Child);
            options.RegisterWorkflow<CountToWorkflow>(CountTo);
            options.RegisterWorkflow<TwoEventsWorkflow>(TwoEvents);
            options.RegisterWorkflow<GatedWorkflow>(Gated);
            options.RegisterWorkflow<WhereAmIWorkflow>(WhereAmI);
            options.RegisterActivity<EchoActivity>(Echo);
            options.RegisterActivity<RecordActivity>(Record);
            options.RegisterActivity<GateActivity>(Gate);
            options.RegisterActivity<FlakyActivity>(Flaky);
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapWorkflowTestEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/test/workflows/gates/{key}", (string key, WorkflowGates gates) =>
        {
            gates.Open(key);
            return TypedResults.NoContent();
        });
        return endpoints;
    }
}
