using DaprOrders.LocalDapr.Actors;

namespace DaprOrders.LocalDapr.Tests;

public sealed class ActorTurnLockTests
{
    private static CancellationToken Timeout => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Waiting_turns_are_served_first_come_first_served()
    {
        var turnLock = new TurnLock();
        var first = await turnLock.AcquireAsync(null, 32, Timeout);
        var order = new List<int>();
        var waiting = Enumerable.Range(1, 3).Select(async i =>
        {
            using var turn = await turnLock.AcquireAsync(null, 32, Timeout);
            order.Add(i);
        }).ToList();

        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        first.Dispose();
        await Task.WhenAll(waiting);

        Assert.Equal([1, 2, 3], order);
        Assert.True(turnLock.IsFree);
    }

    [Fact]
    public async Task Same_reentrancy_id_enters_while_another_id_waits()
    {
        var turnLock = new TurnLock();
        using var outer = await turnLock.AcquireAsync("chain-a", 32, Timeout);

        var nested = turnLock.AcquireAsync("chain-a", 32, Timeout);
        var other = turnLock.AcquireAsync("chain-b", 32, Timeout).AsTask();

        Assert.True(nested.IsCompletedSuccessfully);
        Assert.False(other.IsCompleted);
        (await nested).Dispose();
        Assert.False(other.IsCompleted);
        outer.Dispose();
        (await other).Dispose();
    }

    [Fact]
    public async Task Reentrancy_deeper_than_the_max_stack_depth_fails()
    {
        var turnLock = new TurnLock();
        using var first = await turnLock.AcquireAsync("chain", 2, Timeout);
        using var second = await turnLock.AcquireAsync("chain", 2, Timeout);
        await Assert.ThrowsAsync<StackDepthExceededException>(async () => await turnLock.AcquireAsync("chain", 2, Timeout));
    }

    [Fact]
    public async Task Cancelled_waiter_does_not_block_the_next()
    {
        var turnLock = new TurnLock();
        var first = await turnLock.AcquireAsync(null, 32, Timeout);
        using var cancel = new CancellationTokenSource();
        var abandoned = turnLock.AcquireAsync(null, 32, cancel.Token).AsTask();
        var next = turnLock.AcquireAsync(null, 32, Timeout).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        first.Dispose();
        (await next).Dispose();
        Assert.True(turnLock.IsFree);
    }

    [Fact]
    public async Task Try_acquire_fails_while_a_turn_runs()
    {
        var turnLock = new TurnLock();
        var turn = await turnLock.AcquireAsync(null, 32, Timeout);
        Assert.Null(turnLock.TryAcquire());
        turn.Dispose();
        var idle = turnLock.TryAcquire();
        Assert.NotNull(idle);
        idle.Value.Dispose();
    }
}
