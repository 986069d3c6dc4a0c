using DaprOrders.LocalDapr.TestApp;
using DaprOrders.LocalDapr.TestApp.Workflows;

var builder = WebApplication.CreateBuilder(args);

// Listen where the sidecar calls the app: APP_PORT, as every app run by Dapr is told.
builder.WebHost.UseUrls($"http://127.0.0.1:{builder.Configuration["APP_PORT"] ?? "5000"}");

builder.Services.AddDaprClient();
builder.Services.AddActors(ActorTestEndpoints.ConfigureActors);
builder.Services.AddSingleton<RecordedEvents>();
builder.AddActorTestServices();
builder.AddWorkflowTestServices();

var app = builder.Build();

app.UseRequestRecording();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapActorsHandlers();

app.MapRecordedEvents();
app.MapStateTestEndpoints();
app.MapPubSubTestEndpoints();
app.MapActorTestEndpoints();
app.MapWorkflowTestEndpoints();

app.Run();
