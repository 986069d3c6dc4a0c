using DaprOrders.Orders;
using DaprOrders.Orders.Api;
using DaprOrders.Orders.View;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrders();

var app = builder.Build();
// The validation actors live here, so the actor handlers are mapped too.
app.MapServiceDefaults(actors: true);
app.MapOrdersApiV1();
app.MapOrderSubscriptions();
app.Run();
