using DaprOrders.Orders;
using DaprOrders.Orders.Api;
using DaprOrders.Orders.Security;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrders();
builder.AddOrdersSecurity();

var app = builder.Build();
// No actors here: the validation workflows run in the sidecar's workflow engine; the workflow worker reaches it over gRPC.
app.MapServiceDefaults();
// Bearer tokens and the POST rate limit for /v1/orders; the Dapr routes have the app API token (ServiceDefaults).
app.UseOrdersSecurity();
app.MapOrdersApiV1();
app.MapOrderSubscriptions();
app.MapValidationSubscriptions();
app.Run();
