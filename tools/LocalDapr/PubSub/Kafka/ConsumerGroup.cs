namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// One consumer group on the coordinator, with the classic (eager) rebalance protocol as a Kafka broker runs it:
/// a join moves the group to PreparingRebalance; members learn of it from their heartbeats and join again; once
/// every member has joined (or the rebalance timeout dropped those that did not) the generation advances, the
/// leader gets the members and their subscriptions, and its SyncGroup hands each member its assignment. A member
/// that stops heartbeating for its session timeout is removed and the rest rebalance. Committed offsets live here
/// too. Client-side assignment (the leader computes it) is what librdkafka and the Java client expect.
/// </summary>
internal sealed class ConsumerGroup(string id, TimeProvider time)
{
    private readonly long _created = time.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly List<Member> _members = [];
    private readonly Dictionary<(string Topic, int Partition), CommittedOffset> _offsets = [];
    private GroupState _state = GroupState.Empty;
    private int _generation;
    private string? _protocol;
    private string? _protocolType;
    private string? _leader;
    private long _rebalanceDeadline;

    public string Id { get; } = id;

    public Task<JoinResult> JoinAsync(JoinRequest request)
    {
        lock (_gate)
        {
            Member? member;
            if (request.MemberId.Length == 0)
            {
                member = new Member($"{request.ClientId}-{Guid.NewGuid()}");
                _members.Add(member);
            }
            else if ((member = Find(request.MemberId)) is null)
            {
                return Task.FromResult(JoinResult.Failed(KafkaErrors.UnknownMemberId, request.MemberId));
            }

            if (!CanJoin(request, member))
            {
                if (member.Protocols.Count == 0)
                {
                    _members.Remove(member);
                }

                return Task.FromResult(JoinResult.Failed(KafkaErrors.InconsistentGroupProtocol, request.MemberId));
            }

            _protocolType = request.ProtocolType;
            member.Protocols = request.Protocols;
            member.SessionTimeoutMs = request.SessionTimeoutMs;
            member.RebalanceTimeoutMs = request.RebalanceTimeoutMs;
            member.LastSeen = Now;
            member.PendingJoin?.TrySetResult(JoinResult.Failed(KafkaErrors.RebalanceInProgress, member.Id));
            member.PendingJoin = new TaskCompletionSource<JoinResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var joined = member.PendingJoin.Task;
            PrepareRebalance();
            CompleteJoinIfAllJoined();
            return joined;
        }
    }

    public Task<SyncResult> SyncAsync(string memberId, int generation, IReadOnlyList<(string MemberId, byte[] Assignment)> assignments)
    {
        lock (_gate)
        {
            var member = Find(memberId);
            if (member is null)
            {
                return Task.FromResult(new SyncResult(KafkaErrors.UnknownMemberId, []));
            }

            member.LastSeen = Now;
            if (generation != _generation)
            {
                return Task.FromResult(new SyncResult(KafkaErrors.IllegalGeneration, []));
            }

            switch (_state)
            {
                case GroupState.PreparingRebalance:
                    return Task.FromResult(new SyncResult(KafkaErrors.RebalanceInProgress, []));
                case GroupState.Stable:
                    return Task.FromResult(new SyncResult(KafkaErrors.None, member.Assignment));
            }

            if (memberId == _leader)
            {
                foreach (var each in _members)
                {
                    each.Assignment = assignments.FirstOrDefault(a => a.MemberId == each.Id).Assignment ?? [];
                }

                _state = GroupState.Stable;
                foreach (var each in _members)
                {
                    each.PendingSync?.TrySetResult(new SyncResult(KafkaErrors.None, each.Assignment));
                    each.PendingSync = null;
                }

                return Task.FromResult(new SyncResult(KafkaErrors.None, member.Assignment));
            }

            member.PendingSync?.TrySetResult(new SyncResult(KafkaErrors.RebalanceInProgress, []));
            member.PendingSync = new TaskCompletionSource<SyncResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            return member.PendingSync.Task;
        }
    }

    public short Heartbeat(string memberId, int generation)
    {
        lock (_gate)
        {
            var member = Find(memberId);
            if (member is null)
            {
                return KafkaErrors.UnknownMemberId;
            }

            member.LastSeen = Now;
            return generation != _generation ? KafkaErrors.IllegalGeneration
                : _state == GroupState.PreparingRebalance ? KafkaErrors.RebalanceInProgress
                : KafkaErrors.None;
        }
    }

    public short Leave(string memberId)
    {
        lock (_gate)
        {
            var member = Find(memberId);
            if (member is null)
            {
                return KafkaErrors.UnknownMemberId;
            }

            Remove(member);
            return KafkaErrors.None;
        }
    }

    /// <summary>
    /// Commits as Kafka's group coordinator: a consumer outside any generation (assign(), not subscribe()) may
    /// commit only while the group has no members; a member commits in its own generation, also while the group
    /// prepares a rebalance (so it can commit what it finished before giving its partitions up), not while it
    /// awaits the leader's assignment.
    /// </summary>
    public short Commit(string memberId, int generation, IEnumerable<(string Topic, int Partition, long Offset, string? Metadata)> offsets)
    {
        lock (_gate)
        {
            if (!(generation < 0 && _state == GroupState.Empty))
            {
                var member = Find(memberId);
                if (member is null)
                {
                    return KafkaErrors.UnknownMemberId;
                }

                member.LastSeen = Now;
                if (generation != _generation)
                {
                    return KafkaErrors.IllegalGeneration;
                }

                if (_state == GroupState.CompletingRebalance)
                {
                    return KafkaErrors.RebalanceInProgress;
                }
            }

            foreach (var (topic, partition, offset, metadata) in offsets)
            {
                _offsets[(topic, partition)] = new CommittedOffset(offset, metadata);
            }

            return KafkaErrors.None;
        }
    }

    public CommittedOffset? Committed(string topic, int partition)
    {
        lock (_gate)
        {
            return _offsets.TryGetValue((topic, partition), out var committed) ? committed : null;
        }
    }

    public IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> AllCommitted()
    {
        lock (_gate)
        {
            return [.. _offsets.Select(o => (o.Key.Topic, o.Key.Partition, o.Value))];
        }
    }

    /// <summary>
    /// Drops members whose session timed out and, in a rebalance past its deadline, members that did not join
    /// again; the coordinator calls it when <see cref="NextExpiry"/> is due. Returns the next one.
    /// </summary>
    public TimeSpan? ExpireMembers()
    {
        lock (_gate)
        {
            var now = Now;
            if (_state == GroupState.PreparingRebalance && now >= _rebalanceDeadline)
            {
                foreach (var late in _members.Where(m => m.PendingJoin is null).ToList())
                {
                    _members.Remove(late);
                    late.PendingSync?.TrySetResult(new SyncResult(KafkaErrors.RebalanceInProgress, []));
                }

                if (_members.Count == 0)
                {
                    BecomeEmpty();
                }

                CompleteJoinIfAllJoined();
            }

            foreach (var expired in _members.Where(m => m.PendingJoin is null && now - m.LastSeen > m.SessionTimeoutMs).ToList())
            {
                Remove(expired);
            }

            return NextExpiryAt(Now);
        }
    }

    /// <summary>
    /// How long until <see cref="ExpireMembers"/> may have something to do: the soonest session that ends if its
    /// member stays silent, or the rebalance's deadline; null for a group with neither. A heartbeat only moves a
    /// session's end later, so a check at the time returned here is never late, at most early.
    /// </summary>
    public TimeSpan? NextExpiry()
    {
        lock (_gate)
        {
            return NextExpiryAt(Now);
        }
    }

    private TimeSpan? NextExpiryAt(long now)
    {
        long? due = _state == GroupState.PreparingRebalance ? _rebalanceDeadline : null;
        foreach (var member in _members.Where(m => m.PendingJoin is null))
        {
            // A session has ended once more than its timeout has passed since the member was last seen.
            var sessionEnds = member.LastSeen + member.SessionTimeoutMs + 1;
            due = due is { } sooner && sooner <= sessionEnds ? sooner : sessionEnds;
        }

        return due is { } at ? TimeSpan.FromMilliseconds(Math.Max(0, at - now)) : null;
    }

    /// <summary>Milliseconds since the group was created.</summary>
    private long Now => (long)time.GetElapsedTime(_created).TotalMilliseconds;

    private Member? Find(string memberId) => _members.Find(m => m.Id == memberId);

    /// <summary>
    /// As Kafka's coordinator: a member names at least one protocol, of the group's protocol type, and one at least
    /// that every other member supports too (so the vote always has a candidate).
    /// </summary>
    private bool CanJoin(JoinRequest request, Member member)
    {
        var others = _members.Where(m => m != member && m.Protocols.Count > 0).ToList();
        if (request.Protocols.Count == 0 || (others.Count > 0 && request.ProtocolType != _protocolType))
        {
            return false;
        }

        var common = request.Protocols.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var other in others)
        {
            common.IntersectWith(other.Protocols.Select(p => p.Name));
        }

        return common.Count > 0;
    }

    private void Remove(Member member)
    {
        _members.Remove(member);
        member.PendingJoin?.TrySetResult(JoinResult.Failed(KafkaErrors.UnknownMemberId, member.Id));
        member.PendingSync?.TrySetResult(new SyncResult(KafkaErrors.UnknownMemberId, []));
        if (_members.Count == 0)
        {
            BecomeEmpty();
            return;
        }

        PrepareRebalance();
        CompleteJoinIfAllJoined();
    }

    private void BecomeEmpty()
    {
        _state = GroupState.Empty;
        _leader = null;
        _generation++;
    }

    private void PrepareRebalance()
    {
        if (_state == GroupState.PreparingRebalance)
        {
            return;
        }

        _state = GroupState.PreparingRebalance;
        _rebalanceDeadline = Now + _members.Max(m => m.RebalanceTimeoutMs);
        foreach (var member in _members)
        {
            member.PendingSync?.TrySetResult(new SyncResult(KafkaErrors.RebalanceInProgress, []));
            member.PendingSync = null;
        }
    }

    private void CompleteJoinIfAllJoined()
    {
        if (_state != GroupState.PreparingRebalance || _members.Count == 0 || _members.Any(m => m.PendingJoin is null))
        {
            return;
        }

        _generation++;
        _protocol = Vote();
        _leader = _leader is not null && Find(_leader) is not null ? _leader : _members[0].Id;
        _state = GroupState.CompletingRebalance;
        var everyone = _members.Select(m => (m.Id, m.Protocols.First(p => p.Name == _protocol).Metadata)).ToList();
        foreach (var member in _members)
        {
            var result = new JoinResult(KafkaErrors.None, _generation, _protocol, _leader, member.Id, member.Id == _leader ? everyone : []);
            member.PendingJoin!.TrySetResult(result);
            member.PendingJoin = null;
        }
    }

    /// <summary>Each member votes for the first protocol of its own list that every member supports.</summary>
    private string Vote()
    {
        var common = _members.Select(m => m.Protocols.Select(p => p.Name)).Aggregate((a, b) => a.Intersect(b)).ToHashSet();
        return _members.Select(m => m.Protocols.First(p => common.Contains(p.Name)).Name)
            .GroupBy(name => name)
            .OrderByDescending(votes => votes.Count())
            .First().Key;
    }

    private enum GroupState
    {
        Empty,
        PreparingRebalance,
        CompletingRebalance,
        Stable,
    }

    private sealed class Member(string id)
    {
        public string Id { get; } = id;

        public IReadOnlyList<(string Name, byte[] Metadata)> Protocols { get; set; } = [];

        public int SessionTimeoutMs { get; set; }

        public int RebalanceTimeoutMs { get; set; }

        public long LastSeen { get; set; }

        public byte[] Assignment { get; set; } = [];

        public TaskCompletionSource<JoinResult>? PendingJoin { get; set; }

        public TaskCompletionSource<SyncResult>? PendingSync { get; set; }
    }
}

internal sealed record JoinRequest(string MemberId, string ClientId, string ProtocolType, int SessionTimeoutMs, int RebalanceTimeoutMs, IReadOnlyList<(string Name, byte[] Metadata)> Protocols);

internal sealed record JoinResult(short Error, int Generation, string? Protocol, string? Leader, string MemberId, IReadOnlyList<(string Id, byte[] Metadata)> Members)
{
    public static JoinResult Failed(short error, string memberId) => new(error, -1, null, null, memberId, []);
}

internal sealed record SyncResult(short Error, byte[] Assignment);

internal sealed record CommittedOffset(long Offset, string? Metadata);
