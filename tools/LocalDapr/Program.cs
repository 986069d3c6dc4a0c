using System.CommandLine;
using DaprOrders.LocalDapr.Cli;

// localdapr: a local stand-in for daprd (see docs/local-runtime.md).
var root = new RootCommand("Local Dapr runtime: runs apps on local sidecars without daprd, Kafka or Docker.")
{
    RunCommand.Create(),
};

// Ctrl-C and SIGTERM cancel the command's token; the runtime then stops every app within its stop timeout.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
