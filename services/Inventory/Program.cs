using DaprOrders.Inventory;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddInventory();

var app = builder.Build();
// The products' stock actors live here.
app.MapServiceDefaults(actors: true);
app.MapInventorySubscriptions();
app.Run();
