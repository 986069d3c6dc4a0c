using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Grpc;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace DaprOrders.LocalDapr.Hosting;

/// The gRPC side of the sidecar's own API: `GetMetadata` (DaprClient.GetMetadataAsync) and `SetMetadata`.
public static class SidecarGrpcApi
{
    public static void Map(DaprGrpcMethods methods, RuntimeResources resources) => methods
        .Unary<GetMetadataRequest, GetMetadataResponse>("GetMetadata", (_, call) =>
        {
            var services = call.GetHttpContext().RequestServices;
            var sidecar = services.GetRequiredService<Sidecar>();
            var response = new GetMetadataResponse { Id = sidecar.AppId, RuntimeVersion = "localdapr" };
            foreach (var component in resources.Components.Where(c => c.IsVisibleTo(sidecar.AppId)))
            {
                response.RegisteredComponents.Add(new RegisteredComponents { Name = component.Name, Type = component.Type, Version = component.Version });
            }

            foreach (var (key, value) in services.GetRequiredService<SidecarStatus>().Extended)
            {
                response.ExtendedMetadata[key] = value;
            }

            return Task.FromResult(response);
        })
        .Unary<SetMetadataRequest, Empty>("SetMetadata", (request, call) =>
        {
            call.GetHttpContext().RequestServices.GetRequiredService<SidecarStatus>().Extended[request.Key] = request.Value;
            return Task.FromResult(new Empty());
        });
}
