using DaprOrders.Email;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEmail();

var app = builder.Build();
app.MapServiceDefaults();
app.MapEmailSubscriptions();
app.Run();
