using DaprOrders.Orders;
using DaprOrders.Orders.Api;
using DaprOrders.Orders.Validation;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrders();

var app = builder.Build();
// No actors here: the validation workflows run in the sidecar's workflow engine; the workflow worker reaches it over gRPC.
app.MapServiceDefaults();
app.MapOrdersApiV1();
app.MapOrderSubscriptions();
app.MapValidationSubscriptions();
app.Run();
