namespace DaprOrders.LocalDapr.Actors;

/// <summary>
/// The per-actor lock of turn-based concurrency (daprd pkg/actors/targets/app/lock): one turn at a time, waiters
/// served first come, first served. With reentrancy, a turn carrying the reentrancy id of the turn holding the
/// lock enters at once, up to <c>maxStackDepth</c> nested turns.
/// </summary>
public sealed class TurnLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private bool _held;
    private string? _holderReentrancyId;
    private int _depth;

    /// <summary>
    /// Nobody holds the lock and nobody waits for it.
    /// </summary>
    public bool IsFree
    {
        get
        {
            lock (_gate)
            {
                return !_held && _waiters.Count == 0;
            }
        }
    }

    /// <summary>
    /// Waits for the turn. <paramref name="reentrancyId"/> is null when reentrancy is off for the actor type.
    /// Throws <see cref="StackDepthExceededException"/> when a reentrant call nests deeper than allowed.
    /// </summary>
    public async ValueTask<Turn> AcquireAsync(string? reentrancyId, int maxStackDepth, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (!_held)
            {
                Grant(reentrancyId);
                return new Turn(this);
            }

            if (reentrancyId is not null && reentrancyId == _holderReentrancyId)
            {
                if (_depth >= maxStackDepth)
                {
                    throw new StackDepthExceededException();
                }

                _depth++;
                return new Turn(this);
            }

            waiter = new Waiter(reentrancyId);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using (cancellationToken.Register(() => Abandon(waiter)))
        {
            await waiter.Granted.Task;
        }

        return new Turn(this);
    }

    /// <summary>
    /// Takes the lock only if it is free right now (idle deactivation must not wait behind calls).
    /// </summary>
    public Turn? TryAcquire()
    {
        lock (_gate)
        {
            if (_held || _waiters.Count > 0)
            {
                return null;
            }

            Grant(null);
            return new Turn(this);
        }
    }

    private void Grant(string? reentrancyId)
    {
        _held = true;
        _holderReentrancyId = reentrancyId;
        _depth = 1;
    }

    private void Abandon(Waiter waiter)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // already granted: the turn is released by its owner
            }

            _waiters.Remove(waiter.Node);
        }

        waiter.Granted.TrySetCanceled();
    }

    private void Release()
    {
        Waiter? next;
        lock (_gate)
        {
            if (--_depth > 0)
            {
                return;
            }

            next = _waiters.First?.Value;
            if (next is null)
            {
                _held = false;
                _holderReentrancyId = null;
                return;
            }

            _waiters.RemoveFirst();
            Grant(next.ReentrancyId);
        }

        // Runs continuations asynchronously, so the next turn never runs inside this call.
        next.Granted.TrySetResult();
    }

    /// <summary>
    /// One held turn; disposing it releases the lock (or leaves one level of a reentrant turn).
    /// </summary>
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

/// <summary>
/// A reentrant call chain went deeper than the actor type's `maxStackDepth` (daprd ERR_ACTOR_STACK_DEPTH).
/// </summary>
public sealed class StackDepthExceededException() : Exception("maximum stack depth exceeded");
