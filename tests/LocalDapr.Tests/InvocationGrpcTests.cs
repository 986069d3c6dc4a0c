using System.Collections.Concurrent;
using System.Net;
using Dapr.AppCallback.Autogen.Grpc.v1;
using Dapr.Client.Autogen.Grpc.v1;
using DaprOrders.LocalDapr.Sidecars;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using DaprOrders.Tests;
using DaprApi = Dapr.Client.Autogen.Grpc.v1.Dapr;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// Service invocation over gRPC: `InvokeService` of the Dapr API (the generated client of Dapr.Protos) to an HTTP
/// app, and gRPC proxying (`dapr-app-id` metadata) to a gRPC app, with its statuses, metadata and access control.
/// </summary>
public sealed class InvocationGrpcTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvokeService_calls_an_http_app_with_verb_query_and_body_and_returns_data_and_status_header()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{(await runtime.StartSidecarAsync("caller")).GrpcPort}");
        var dapr = new DaprApi.DaprClient(channel);

        using var call = dapr.InvokeServiceAsync(Request("target", "echo/grpc", HTTPExtension.Types.Verb.Patch, "a=1", "payload"), new Metadata { { "x-order", "o-2" } }, cancellationToken: Ct);
        var response = await call;
        var headers = await call.ResponseHeadersAsync;

        var seen = RecordedRequest.FromJson(response.Data.Value.ToStringUtf8());
        Assert.Equal(("PATCH", "/echo/grpc", "?a=1", "payload"), (seen.Method, seen.Path, seen.Query, seen.Body));
        Assert.Equal("o-2", seen.Headers["x-order"]);
        Assert.Equal("caller", seen.Headers["dapr-caller-app-id"]);
        Assert.StartsWith("application/json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal("200", headers.GetValue("dapr-http-status"));
        Assert.Equal("yes", headers.GetValue("x-echo"));
    }

    [Fact]
    public async Task InvokeService_turns_an_http_failure_into_its_grpc_code_and_an_unknown_app_into_internal()
    {
        await using var runtime = await TestRuntime.StartAsync();
        var (app, _) = await InvocationTestApp.StartAsync(runtime, "target");
        await using var _ = app;
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{(await runtime.StartSidecarAsync("caller")).GrpcPort}");
        var dapr = new DaprApi.DaprClient(channel);

        var notFound = await Assert.ThrowsAsync<RpcException>(async () => await dapr.InvokeServiceAsync(Request("target", "status/404", HTTPExtension.Types.Verb.Get), cancellationToken: Ct));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await dapr.InvokeServiceAsync(Request("nobody", "x", HTTPExtension.Types.Verb.Get), cancellationToken: Ct));
        var noVerb = await Assert.ThrowsAsync<RpcException>(async () => await dapr.InvokeServiceAsync(
            new InvokeServiceRequest { Id = "target", Message = new InvokeRequest { Method = "echo/x" } }, cancellationToken: Ct));

        Assert.Equal((StatusCode.NotFound, "Not Found"), (notFound.StatusCode, notFound.Status.Detail));
        var details = Google.Rpc.Status.Parser.ParseFrom(notFound.Trailers.GetValueBytes("grpc-status-details-bin"));
        var info = details.Details.Single().Unpack<Google.Rpc.ErrorInfo>();
        Assert.Equal(("404", "status 404", "dapr.io"), (info.Metadata["http.code"], info.Metadata["http.error_message"], info.Domain));
        Assert.Equal((StatusCode.Internal, "failed to invoke, id: nobody, err: couldn't find service: nobody"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.Equal(StatusCode.Internal, noVerb.StatusCode);
        Assert.Contains("missing HTTP extension field", noVerb.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grpc_proxying_reaches_the_grpc_app_with_metadata_and_passes_its_status_back()
    {
        await using var runtime = await TestRuntime.StartAsync();
        await using var app = await GrpcTestApp.StartAsync(runtime, "grpc-target");
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{(await runtime.StartSidecarAsync("caller")).GrpcPort}");
        var client = new OnInvokeClient(channel);
        var toTarget = new Metadata { { "dapr-app-id", "grpc-target" }, { "x-order", "o-3" } };

        var answer = await client.OnInvokeAsync(new InvokeRequest { Method = "hello", Data = new Any { Value = ByteString.CopyFromUtf8("ping") } }, toTarget, cancellationToken: Ct);
        var failure = await Assert.ThrowsAsync<RpcException>(async () => await client.OnInvokeAsync(new InvokeRequest { Method = "missing" }, toTarget, cancellationToken: Ct));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await client.OnInvokeAsync(new InvokeRequest(), new Metadata { { "dapr-app-id", "nobody" } }, cancellationToken: Ct));
        var noTarget = await Assert.ThrowsAsync<RpcException>(async () => await client.OnInvokeAsync(new InvokeRequest(), cancellationToken: Ct));

        Assert.Equal(("ping", "hello"), (answer.Data.Value.ToStringUtf8(), answer.ContentType));
        var metadata = app.Metadata.First();
        Assert.Equal("o-3", metadata.GetValue("x-order"));
        Assert.Equal("caller", metadata.GetValue("dapr-caller-app-id"));
        Assert.Equal("grpc-target", metadata.GetValue("dapr-callee-app-id"));
        Assert.Null(metadata.GetValue("dapr-app-id"));
        Assert.Equal((StatusCode.NotFound, "no method missing"), (failure.StatusCode, failure.Status.Detail));
        Assert.Equal("missing", failure.Trailers.GetValue("x-method"));
        Assert.Equal((StatusCode.Unknown, "couldn't find service: nobody"), (unknown.StatusCode, unknown.Status.Detail));
        Assert.Equal(StatusCode.Unknown, noTarget.StatusCode);
    }

    [Fact]
    public async Task Grpc_proxying_applies_access_control_to_the_full_method_name()
    {
        await using var runtime = await TestRuntime.StartAsync(("config.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: acl
            spec:
              accessControl:
                defaultAction: deny
                policies:
                  - appId: trusted
                    trustDomain: public
                    namespace: default
                    operations:
                      - name: /dapr.proto.runtime.v1.AppCallback/OnInvoke
                        action: allow
            """));
        await using var app = await GrpcTestApp.StartAsync(runtime, "grpc-target");
        using var trustedChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{(await runtime.StartSidecarAsync("trusted")).GrpcPort}");
        using var strangerChannel = GrpcChannel.ForAddress($"http://127.0.0.1:{(await runtime.StartSidecarAsync("stranger")).GrpcPort}");
        var toTarget = new Metadata { { "dapr-app-id", "grpc-target" } };

        var allowed = await new OnInvokeClient(trustedChannel).OnInvokeAsync(new InvokeRequest { Method = "hi" }, toTarget, cancellationToken: Ct);
        var denied = await Assert.ThrowsAsync<RpcException>(async () =>
            await new OnInvokeClient(strangerChannel).OnInvokeAsync(new InvokeRequest { Method = "hi" }, toTarget, cancellationToken: Ct));

        Assert.Equal("hi", allowed.ContentType);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Equal("access control policy has denied access to id: spiffe://public/ns/default/stranger operation: dapr.proto.runtime.v1.AppCallback/OnInvoke verb: NONE", denied.Status.Detail);
        Assert.Single(app.Metadata);
    }

    private static InvokeServiceRequest Request(string appId, string method, HTTPExtension.Types.Verb verb, string query = "", string body = "") => new()
    {
        Id = appId,
        Message = new InvokeRequest
        {
            Method = method,
            Data = new Any { Value = ByteString.CopyFromUtf8(body) },
            ContentType = "text/plain",
            HttpExtension = new HTTPExtension { Verb = verb, Querystring = query },
        },
    };

    /// <summary>
    /// A client of AppCallback's `OnInvoke` (Dapr.Protos ships the service's server base only), to call through a
    /// sidecar as any gRPC client of the app would.
    /// </summary>
    private sealed class OnInvokeClient(GrpcChannel channel)
    {
        private static readonly Method<InvokeRequest, InvokeResponse> OnInvoke = new(
            MethodType.Unary, "dapr.proto.runtime.v1.AppCallback", "OnInvoke",
            Marshallers.Create<InvokeRequest>(m => m.ToByteArray(), InvokeRequest.Parser.ParseFrom),
            Marshallers.Create<InvokeResponse>(m => m.ToByteArray(), InvokeResponse.Parser.ParseFrom));

        public AsyncUnaryCall<InvokeResponse> OnInvokeAsync(InvokeRequest request, Metadata? headers = null, CancellationToken cancellationToken = default) =>
            channel.CreateCallInvoker().AsyncUnaryCall(OnInvoke, null, new CallOptions(headers, cancellationToken: cancellationToken), request);
    }

    /// <summary>
    /// A gRPC app (app protocol grpc, h2c) in the test process serving Dapr's AppCallback `OnInvoke`: it answers with
    /// the request's data and method, fails `missing` with NotFound and a trailer, and records each call's metadata.
    /// </summary>
    private sealed class GrpcTestApp : AppCallback.AppCallbackBase, IAsyncDisposable
    {
        private WebApplication? _app;

        public ConcurrentQueue<Metadata> Metadata { get; } = new();

        public static async Task<GrpcTestApp> StartAsync(TestRuntime runtime, string appId)
        {
            var port = AppPorts.Free();
            var test = new GrpcTestApp();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(test);
            test._app = builder.Build();
            test._app.MapGrpcService<GrpcTestApp>();
            await test._app.StartAsync(Ct);
            await runtime.StartSidecarAsync(appId, spec => spec with { AppPort = port, AppProtocol = AppProtocols.Grpc });
            return test;
        }

        public override Task<InvokeResponse> OnInvoke(InvokeRequest request, ServerCallContext context)
        {
            var metadata = new Metadata();
            foreach (var entry in context.RequestHeaders)
            {
                metadata.Add(entry);
            }

            Metadata.Enqueue(metadata);
            if (request.Method == "missing")
            {
                context.ResponseTrailers.Add("x-method", "missing");
                throw new RpcException(new Status(StatusCode.NotFound, "no method missing"));
            }

            return Task.FromResult(new InvokeResponse { Data = request.Data ?? new Any(), ContentType = request.Method });
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.StopAsync(CancellationToken.None);
                await _app.DisposeAsync();
            }
        }
    }
}
