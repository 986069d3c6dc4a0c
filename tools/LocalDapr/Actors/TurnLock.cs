namespace DaprOrders.LocalDapr.Actors;

/// The per-actor lock of turn-based concurrency (daprd pkg/actors/targets/app/lock): one turn at a time, waiters
/// served first come, first served. With reentrancy, a turn carrying the reentrancy id of the turn holding the
/// lock enters at once, up to <c>maxStackDepth</c> nested turns.
public sealed class TurnLock
{
    private readonly Lock gate = new();
    private readonly LinkedList<Waiter> waiters = new();
    private bool held;
    private string? holderReentrancyId;
    private int depth;

    /// Nobody holds the lock and nobody waits for it.
    public bool IsFree
    {
        get
        {
            lock (gate)
            {
                return !held && waiters.Count == 0;
            }
        }
    }

    /// Waits for the turn. <paramref name="reentrancyId"/> is null when reentrancy is off for the actor type.
    /// Throws <see cref="StackDepthExceededException"/> when a reentrant call nests deeper than allowed.
    public async ValueTask<Turn> AcquireAsync(string? reentrancyId, int maxStackDepth, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (gate)
        {
            if (!held)
            {
                Grant(reentrancyId);
                return new Turn(this);
            }

            if (reentrancyId is not null && reentrancyId == holderReentrancyId)
            {
                if (depth >= maxStackDepth)
                {
                    throw new StackDepthExceededException();
                }

                depth++;
                return new Turn(this);
            }

            waiter = new Waiter(reentrancyId);
            waiter.Node = waiters.AddLast(waiter);
        }

        using (cancellationToken.Register(() => Abandon(waiter)))
        {
            await waiter.Granted.Task;
        }

        return new Turn(this);
    }

    /// Takes the lock only if it is free right now (idle deactivation must not wait behind calls).
    public Turn? TryAcquire()
    {
        lock (gate)
        {
            if (held || waiters.Count > 0)
            {
                return null;
            }

            Grant(null);
            return new Turn(this);
        }
    }

    private void Grant(string? reentrancyId)
    {
        held = true;
        holderReentrancyId = reentrancyId;
        depth = 1;
    }

    private void Abandon(Waiter waiter)
    {
        lock (gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted: the turn is released by its owner
            }

            waiters.Remove(waiter.Node);
        }

        waiter.Granted.TrySetCanceled();
    }

    private void Release()
    {
        Waiter? next;
        lock (gate)
        {
            if (--depth > 0)
            {
                return;
            }

            next = waiters.First?.Value;
            if (next is null)
            {
                held = false;
                holderReentrancyId = null;
                return;
            }

            waiters.RemoveFirst();
            Grant(next.ReentrancyId);
        }

        // Runs continuations asynchronously, so the next turn never runs inside this call.
        next.Granted.TrySetResult();
    }

    /// One held turn; disposing it releases the lock (or leaves one level of a reentrant turn).
    public readonly struct Turn(TurnLock owner) : IDisposable
    {
        public void Dispose() => owner.Release();
    }

    private sealed class Waiter(string? reentrancyId)
    {
        public string? ReentrancyId { get; } = reentrancyId;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

/// A reentrant call chain went deeper than the actor type's `maxStackDepth` (daprd ERR_ACTOR_STACK_DEPTH).
public sealed class StackDepthExceededException() : Exception("maximum stack depth exceeded");
