using DaprOrders.Fraud;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFraud();

var app = builder.Build();
// The customers' spend actors live here.
app.MapServiceDefaults(actors: true);
app.MapFraudSubscriptions();
app.Run();
