namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// The group coordinator's APIs (this node coordinates every group): FindCoordinator, JoinGroup, SyncGroup,
/// Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch, in the versions <see cref="KafkaApis"/> announces.
/// </summary>
public sealed partial class KafkaBroker
{
    private KafkaWriter FindCoordinator(Request call, KafkaWriter response)
    {
        _ = call.Body.String();
        if (call.Version >= 1)
        {
            _ = call.Body.Int8();
            return response.Int32(0).Int16(KafkaErrors.None).String(null).Int32(NodeId).String(Host).Int32(Port);
        }

        return response.Int16(KafkaErrors.None).Int32(NodeId).String(Host).Int32(Port);
    }

    /// <summary>JoinGroup v0-v2: v0 has no rebalance timeout (the session timeout serves), v2 adds throttle time.</summary>
    private async Task<KafkaWriter> JoinGroupAsync(Request call, KafkaWriter response, CancellationToken cancellationToken)
    {
        var body = call.Body;
        var groupId = body.String();
        var sessionTimeout = body.Int32();
        var rebalanceTimeout = call.Version >= 1 ? body.Int32() : sessionTimeout;
        var memberId = body.String();
        var protocolType = body.String();
        var protocols = body.Array(r => (Name: r.String(), Metadata: r.NullableBytes() ?? []));
        JoinResult result;
        if (groupId.Length == 0)
        {
            result = JoinResult.Failed(KafkaErrors.InvalidGroupId, memberId);
        }
        else
        {
            // A join starts a session and may start a rebalance: both have deadlines the expiry timer must know of
            // before the join waits for the rest of the group.
            var group = Group(groupId);
            var joining = group.JoinAsync(new JoinRequest(memberId, call.ClientId, protocolType, sessionTimeout, rebalanceTimeout, protocols));
            ArmExpiry(group.NextExpiry());
            result = await joining.WaitAsync(cancellationToken);
        }

        if (call.Version >= 2)
        {
            response.Int32(0);
        }

        return response.Int16(result.Error).Int32(result.Generation).String(result.Protocol ?? "").String(result.Leader ?? "")
            .String(result.MemberId).Array(result.Members, (w, m) => w.String(m.Id).Bytes(m.Metadata));
    }

    private async Task<KafkaWriter> SyncGroupAsync(Request call, KafkaWriter response, CancellationToken cancellationToken)
    {
        var groupId = call.Body.String();
        var generation = call.Body.Int32();
        var memberId = call.Body.String();
        var assignments = call.Body.Array(r => (MemberId: r.String(), Assignment: r.NullableBytes() ?? []));
        var result = GroupOfMember(groupId, out var group) is { } error
            ? new SyncResult(error, [])
            : await group!.SyncAsync(memberId, generation, assignments).WaitAsync(cancellationToken);
        return Throttle(call, response, since: 1).Int16(result.Error).Bytes(result.Assignment);
    }

    private KafkaWriter Heartbeat(Request call, KafkaWriter response)
    {
        var groupId = call.Body.String();
        var generation = call.Body.Int32();
        var memberId = call.Body.String();
        var error = GroupOfMember(groupId, out var group) ?? group!.Heartbeat(memberId, generation);
        return Throttle(call, response, since: 1).Int16(error);
    }

    private KafkaWriter LeaveGroup(Request call, KafkaWriter response)
    {
        var groupId = call.Body.String();
        var memberId = call.Body.String();
        var error = GroupOfMember(groupId, out var group) ?? group!.Leave(memberId);
        if (group is not null)
        {
            // A member that leaves starts a rebalance for the rest, with its deadline.
            ArmExpiry(group.NextExpiry());
        }

        return Throttle(call, response, since: 1).Int16(error);
    }

    /// <summary>OffsetCommit v2-v3; the retention time is ignored (offsets are kept while the runtime runs).</summary>
    private KafkaWriter OffsetCommit(Request call, KafkaWriter response)
    {
        var body = call.Body;
        var groupId = body.String();
        var generation = body.Int32();
        var memberId = body.String();
        _ = body.Int64();
        var topics = body.Array(r => (Name: r.String(), Partitions: r.Array(p => (Index: p.Int32(), Offset: p.Int64(), Metadata: p.NullableString()))));
        var error = groupId.Length == 0
            ? KafkaErrors.InvalidGroupId
            : Group(groupId).Commit(memberId, generation, topics.SelectMany(t => t.Partitions
                .Where(p => Partition(t.Name, p.Index) is not null)
                .Select(p => (t.Name, p.Index, p.Offset, p.Metadata))));
        return Throttle(call, response, since: 3).Array(topics, (w, topic) => w.String(topic.Name).Array(topic.Partitions, (p, r) =>
            p.Int32(r.Index).Int16(error == KafkaErrors.None && Partition(topic.Name, r.Index) is null ? KafkaErrors.UnknownTopicOrPartition : error)));
    }

    /// <summary>OffsetFetch v1-v3: -1 for a partition without a committed offset; from v2 no topics means all.</summary>
    private KafkaWriter OffsetFetch(Request call, KafkaWriter response)
    {
        var groupId = call.Body.String();
        var topics = call.Body.NullableArray(r => (Name: r.String(), Partitions: r.Array(p => p.Int32())));
        _groups.TryGetValue(groupId, out var group);
        topics ??= [.. (group?.AllCommitted() ?? []).GroupBy(c => c.Topic).Select(t => (t.Key, t.Select(c => c.Partition).Order().ToList()))];
        Throttle(call, response, since: 3).Array(topics, (w, topic) => w.String(topic.Name).Array(topic.Partitions, (p, index) =>
        {
            var committed = group?.Committed(topic.Name, index);
            p.Int32(index).Int64(committed?.Offset ?? -1).String(committed?.Metadata ?? "").Int16(KafkaErrors.None);
        }));
        return call.Version >= 2 ? response.Int16(KafkaErrors.None) : response;
    }

    /// <summary>
    /// The group a member's SyncGroup, Heartbeat or LeaveGroup names, or the error to answer: an empty id is invalid,
    /// and a group the coordinator has never seen has no such member.
    /// </summary>
    private short? GroupOfMember(string groupId, out ConsumerGroup? group)
    {
        group = null;
        return groupId.Length == 0 ? KafkaErrors.InvalidGroupId
            : _groups.TryGetValue(groupId, out group) ? null
            : KafkaErrors.UnknownMemberId;
    }

    private static KafkaWriter Throttle(Request call, KafkaWriter response, short since) =>
        call.Version >= since ? response.Int32(0) : response;
}
