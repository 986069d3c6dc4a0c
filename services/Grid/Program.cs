using DaprOrders.Grid;
using DaprOrders.Grid.Api;
using DaprOrders.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGrid();

var app = builder.Build();
app.MapServiceDefaults();
// The grid page: static HTML and JS from wwwroot, no build step.
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapGridSubscriptions();
app.MapOrdersGridApi();
app.Run();
