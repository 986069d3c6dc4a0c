using DaprOrders.OrderDetails;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.MapServiceDefaults();
app.MapOrderDetailsSubscriptions();
app.Run();
