namespace DaprOrders.LocalDapr.Runtime;

/// <summary>
/// How the runtime restarts an app that exits by itself (a crash, or a kill from outside), as the kubelet restarts
/// a pod's container (restartPolicy Always, with CrashLoopBackOff): the first restart after
/// <see cref="InitialDelay"/>, each further one after twice the last, at most <see cref="MaxDelay"/>; an app that
/// stayed up <see cref="ResetAfter"/> starts from the first delay again. The kubelet's figures are 10 s, 5 min and
/// 10 min (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy); locally an app is
/// back sooner. An app stopped through the runtime (<see cref="LocalDaprRuntime.StopAppAsync"/>) is not restarted.
/// </summary>
public sealed record RestartPolicy
{
    /// <summary>
    /// `localdapr run`'s policy: 1 s, doubling up to 30 s, reset after a minute up.
    /// </summary>
    public static RestartPolicy Default { get; } = new();

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan ResetAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The wait before restart number <paramref name="restart"/> (1-based) of a crash loop.
    /// </summary>
    public TimeSpan DelayBefore(int restart)
    {
        var delay = InitialDelay * Math.Pow(2, Math.Min(restart - 1, 30));
        return delay < MaxDelay ? delay : MaxDelay;
    }
}
