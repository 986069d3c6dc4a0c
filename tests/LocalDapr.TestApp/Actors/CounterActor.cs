using System.Text;
using System.Text.Json.Nodes;
using Dapr.Actors.Runtime;

namespace DaprOrders.LocalDapr.TestApp.Actors;

/// <summary>
/// Records its activations, reminders and timers in <see cref="RecordedEvents"/> (streams `actor.{id}.activated`,
/// `...deactivated`, `...timer`, `...reminder.{name}`; no slashes: they stay escaped in a route value) and its turns in <see cref="ActorTurnTracker"/>, so
/// tests can await and check them.
/// </summary>
public sealed class CounterActor(ActorHost host, RecordedEvents recorded, ActorTurnTracker turns, IConfiguration configuration)
    : Actor(host), ICounterActor, IRemindable
{
    public const string CountKey = "count";

    public async Task<int> IncrementSlowlyAsync()
    {
        using var turn = turns.Enter(Key);
        var count = await StateManager.GetOrAddStateAsync(CountKey, 0);
        await Task.Delay(TimeSpan.FromMilliseconds(10)); // widens the window an overlapping turn would hit
        await StateManager.SetStateAsync(CountKey, count + 1);
        return count + 1;
    }

    public Task<int> GetCountAsync() => StateManager.GetOrAddStateAsync(CountKey, 0);

    public Task<string> WhereAmIAsync() => Task.FromResult(Instance);

    public Task<bool> MeetAsync(Meeting meeting) => turns.MeetAsync(meeting.Group, meeting.Parties, TimeSpan.FromSeconds(30));

    public Task FailAsync(string message) => throw new InvalidOperationException(message);

    public Task<int> GetCountThroughSelfAsync() =>
        ProxyFactory.CreateActorProxy<ICounterActor>(Id, Host.ActorTypeInfo.ActorTypeName).GetCountAsync();

    public Task StartReminderAsync(ReminderSpec spec) =>
        RegisterReminderAsync(spec.Name, Encoding.UTF8.GetBytes(spec.Data), spec.DueTime, spec.Period);

    public Task StopReminderAsync(string name) => UnregisterReminderAsync(name);

    public async Task<string?> DescribeReminderAsync(string name) =>
        await GetReminderAsync(name) is ActorReminder reminder
            ? $"{reminder.Name}|{Encoding.UTF8.GetString(reminder.State)}|{reminder.DueTime}|{reminder.Period}"
            : null;

    public Task StartTimerAsync(TimerSpec spec) =>
        RegisterTimerAsync(spec.Name, nameof(OnTimerAsync), Encoding.UTF8.GetBytes(spec.Data), spec.DueTime, spec.Period);

    public Task OnTimerAsync(byte[] data)
    {
        Record("timer", Encoding.UTF8.GetString(data));
        return Task.CompletedTask;
    }

    public Task ReceiveReminderAsync(string reminderName, byte[] state, TimeSpan dueTime, TimeSpan period)
    {
        Record($"reminder.{reminderName}", Encoding.UTF8.GetString(state));
        return Task.CompletedTask;
    }

    protected override Task OnActivateAsync()
    {
        turns.Activated(Key);
        Record("activated", null);
        return Task.CompletedTask;
    }

    protected override Task OnDeactivateAsync()
    {
        turns.Deactivated(Key);
        Record("deactivated", null);
        return Task.CompletedTask;
    }

    private string Key => $"{Host.ActorTypeInfo.ActorTypeName}/{Id.GetId()}";

    private string Instance => configuration["APP_PORT"] ?? "unknown";

    private void Record(string what, string? data) =>
        recorded.Record($"actor.{Id.GetId()}.{what}", new JsonObject
        {
            ["actorType"] = Host.ActorTypeInfo.ActorTypeName,
            ["data"] = data,
            ["instance"] = Instance,
        });
}
