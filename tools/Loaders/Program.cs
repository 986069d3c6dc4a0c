using System.CommandLine;
using DaprOrders.Loaders;

// loaders: stock, customers, orders and payments for the DaprOrders system (see README.md).
// Ctrl-C and SIGTERM cancel the running command, which still prints its summary before exiting.
return await LoadersCli.InvokeAsync(args, new LoaderContext(), new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
