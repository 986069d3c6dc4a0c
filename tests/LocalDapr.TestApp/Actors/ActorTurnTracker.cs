namespace DaprOrders.LocalDapr.TestApp.Actors;

/// What only the app can see about actor turns: turns of one actor that overlapped (turn-based concurrency
/// broken), which actors are active here, and meetings of actors inside a method at the same time.
public sealed class ActorTurnTracker
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, int> running = new(StringComparer.Ordinal);
    private readonly HashSet<string> active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Arrived, TaskCompletionSource Complete)> meetings = new(StringComparer.Ordinal);
    private int overlapping;

    public int OverlappingTurns
    {
        get
        {
            lock (gate)
            {
                return overlapping;
            }
        }
    }

    public IReadOnlyList<string> ActiveActors
    {
        get
        {
            lock (gate)
            {
                return active.Order(StringComparer.Ordinal).ToList();
            }
        }
    }

    public void Activated(string actor)
    {
        lock (gate)
        {
            active.Add(actor);
        }
    }

    public void Deactivated(string actor)
    {
        lock (gate)
        {
            active.Remove(actor);
        }
    }

    /// Marks a turn of <paramref name="actor"/> as running until disposed.
    public IDisposable Enter(string actor)
    {
        lock (gate)
        {
            var now = running.GetValueOrDefault(actor);
            if (now > 0)
            {
                overlapping++;
            }

            running[actor] = now + 1;
        }

        return new Exit(this, actor);
    }

    /// True once <paramref name="parties"/> callers are waiting here together; false after the timeout.
    public async Task<bool> MeetAsync(string group, int parties, TimeSpan timeout)
    {
        Task complete;
        lock (gate)
        {
            if (!meetings.TryGetValue(group, out var meeting))
            {
                meeting = (0, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            meetings[group] = meeting = (meeting.Arrived + 1, meeting.Complete);
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
        lock (gate)
        {
            running[actor]--;
        }
    }

    private sealed class Exit(ActorTurnTracker tracker, string actor) : IDisposable
    {
        public void Dispose() => tracker.Leave(actor);
    }
}
