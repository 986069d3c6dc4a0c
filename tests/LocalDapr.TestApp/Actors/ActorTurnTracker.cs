namespace DaprOrders.LocalDapr.TestApp.Actors;

/// <summary>
/// What only the app can see about actor turns: turns of one actor that overlapped (turn-based concurrency
/// broken), which actors are active here, and meetings of actors inside a method at the same time.
/// </summary>
public sealed class ActorTurnTracker
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Arrived, TaskCompletionSource Complete)> _meetings = new(StringComparer.Ordinal);
    private int _overlapping;

    public int OverlappingTurns
    {
        get
        {
            lock (_gate)
            {
                return _overlapping;
            }
        }
    }

    public IReadOnlyList<string> ActiveActors
    {
        get
        {
            lock (_gate)
            {
                return _active.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public void Activated(string actor)
    {
        lock (_gate)
        {
            _active.Add(actor);
        }
    }

    public void Deactivated(string actor)
    {
        lock (_gate)
        {
            _active.Remove(actor);
        }
    }

    /// <summary>
    /// Marks a turn of <paramref name="actor"/> as running until disposed.
    /// </summary>
    public IDisposable Enter(string actor)
    {
        lock (_gate)
        {
            var now = _running.GetValueOrDefault(actor);
            if (now > 0)
            {
                _overlapping++;
            }

            _running[actor] = now + 1;
        }

        return new Exit(this, actor);
    }

    /// <summary>
    /// True once <paramref name="parties"/> callers are waiting here together; false after the timeout.
    /// </summary>
    public async Task<bool> MeetAsync(string group, int parties, TimeSpan timeout)
    {
        Task complete;
        lock (_gate)
        {
            if (!_meetings.TryGetValue(group, out var meeting))
            {
                meeting = (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            _meetings[group] = meeting = (meeting.Arrived + 1, meeting.Complete);
            if (meeting.Arrived >= parties)
            {
                meeting.Complete.TrySetResult();
            }

            complete = meeting.Complete.Task;
        }

        try
        {
            await complete.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private void Leave(string actor)
    {
        lock (_gate)
        {
            _running[actor]--;
        }
    }

    private sealed class Exit(ActorTurnTracker tracker, string actor) : IDisposable
    {
        public void Dispose() => tracker.Leave(actor);
    }
}
