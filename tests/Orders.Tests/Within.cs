namespace DaprOrders.Orders.Tests;

/// <summary>How long a test waits for something asynchronous (a publish, a workflow) before it fails; normally not reached.</summary>
internal static class Within
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The test's token, cancelled after <see cref="Limit"/> too.</summary>
    public static CancellationTokenSource Deadline()
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Limit);
        return deadline;
    }
}
