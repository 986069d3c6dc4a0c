using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using DaprOrders.LocalDapr.Timing;

namespace DaprOrders.LocalDapr.PubSub.Kafka;

/// <summary>
/// The runtime's Kafka broker: one node on loopback that speaks the Kafka protocol, as much of it as kcat and
/// librdkafka clients need (metadata, produce, fetch, offsets, consumer groups), with its logs in memory. A fetch
/// that finds nothing new waits until a record arrives on one of its partitions or its wait is over, as a broker
/// does; topics are created with <see cref="Partitions"/> partitions when first asked for. Requests of one connection
/// are answered in order, one at a time, as a broker does.
/// </summary>
public sealed partial class KafkaBroker : IAsyncDisposable
{
    /// <summary>Partitions of a topic the broker creates on first use (`num.partitions`).</summary>
    public const int Partitions = 4;

    /// <summary>
    /// What each partition keeps of its newest records (`retention.bytes`): as much as librdkafka's mock cluster
    /// kept (5 MiB), which this broker replaced; older offsets are then out of range.
    /// </summary>
    public const long RetainedBytesPerPartition = 5 * 1024 * 1024;

    private const int NodeId = 1;
    private const int MaxRequestBytes = 100 * 1024 * 1024;

    private readonly TcpListener _listener;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, PartitionLog[]> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConsumerGroup> _groups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly SoonestTimer _expiry;
    private readonly Task _accepting;
    private long _lastProducerId;

    private KafkaBroker(TcpListener listener, TimeProvider time, ILogger logger)
    {
        _listener = listener;
        _time = time;
        _logger = logger;
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        // Armed for the soonest session end or rebalance deadline of any group, not on a period: an idle broker
        // then wakes only when a member could have gone silent, not several times a second.
        _expiry = new SoonestTimer(time, ExpireMembers);
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public string BootstrapServers => $"{Host}:{Port}";

    private static string Host => IPAddress.Loopback.ToString();

    /// <summary>Starts a broker on a free loopback port.</summary>
    public static KafkaBroker Start(TimeProvider time, ILogger logger)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new KafkaBroker(listener, time, logger);
    }

    /// <summary>Creates the topic unless it exists; false for a name Kafka does not allow.</summary>
    public bool EnsureTopic(string topic) => TopicLogs(topic, create: true) is not null;

    private PartitionLog[]? TopicLogs(string topic, bool create)
    {
        if (_topics.TryGetValue(topic, out var logs))
        {
            return logs;
        }

        if (!create || !IsLegalTopicName(topic))
        {
            return null;
        }

        return _topics.GetOrAdd(topic, _ => [.. Enumerable.Range(0, Partitions).Select(_ => new PartitionLog())]);
    }

    private PartitionLog? Partition(string topic, int partition) =>
        TopicLogs(topic, create: false) is { } logs && partition >= 0 && partition < logs.Length ? logs[partition] : null;

    private ConsumerGroup Group(string groupId) => _groups.GetOrAdd(groupId, id => new ConsumerGroup(id, _time));

    /// <summary>Kafka's rule (Topic.validate): 1 to 249 of letters, digits, '.', '_' and '-', not "." or "..".</summary>
    private static bool IsLegalTopicName(string topic) => topic is not ("." or "..") && LegalTopicName().IsMatch(topic);

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex LegalTopicName();

    private void ExpireMembers()
    {
        foreach (var group in _groups.Values)
        {
            try
            {
                ArmExpiry(group.ExpireMembers());
            }
            catch (Exception e)
            {
                // A timer callback must not throw: that would end the process. The group is looked at again soon.
                _logger.LogError(e, "Kafka broker: expiring members of group {Group} failed", group.Id);
                _expiry.In(TimeSpan.FromSeconds(1));
            }
        }
    }

    /// <summary>Makes sure the expiry pass runs no later than <paramref name="dueIn"/> from now.</summary>
    private void ArmExpiry(TimeSpan? dueIn)
    {
        if (dueIn is { } wait)
        {
            _expiry.In(wait);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            var connection = ServeAsync(socket);
            _connections[connection] = true;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        // Off the accept loop at once, so one connection's first request never delays the next accept.
        await Task.Yield();
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        var size = new byte[4];
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(size, _stopping.Token);
                var length = BinaryPrimitives.ReadInt32BigEndian(size);
                if (length is < 8 or > MaxRequestBytes)
                {
                    return;
                }

                var request = new byte[length];
                await stream.ReadExactlyAsync(request, _stopping.Token);
                var response = await HandleAsync(new KafkaReader(request, length), _stopping.Token);
                if (response is null)
                {
                    // A produce with acks=0, which gets no answer.
                    continue;
                }

                await stream.WriteAsync(response.ToFrame(), _stopping.Token);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or SocketException)
        {
        }
        catch (UnsupportedRequestException e)
        {
            // As a broker does with a request it cannot parse: the connection is closed.
            _logger.LogDebug("Kafka broker: closing a connection: {Reason}", e.Message);
        }
        catch (FormatException e)
        {
            _logger.LogDebug("Kafka broker: closing a connection after a malformed request: {Reason}", e.Message);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Kafka broker: closing a connection after a request it could not answer");
        }
    }

    private async Task<KafkaWriter?> HandleAsync(KafkaReader request, CancellationToken cancellationToken)
    {
        var apiKey = request.Int16();
        var version = request.Int16();
        var correlationId = request.Int32();
        var clientId = request.NullableString() ?? "";
        var response = new KafkaWriter().Int32(correlationId);
        if (apiKey == KafkaApis.ApiVersions)
        {
            return ApiVersions(request, version, response);
        }

        if (!KafkaApis.IsSupported(apiKey, version))
        {
            throw new UnsupportedRequestException($"API {apiKey} v{version} is not served");
        }

        var call = new Request(request, version, clientId);
        return apiKey switch
        {
            KafkaApis.Produce => Produce(call, response),
            KafkaApis.Fetch => await FetchAsync(call, response, cancellationToken),
            KafkaApis.ListOffsets => ListOffsets(call, response),
            KafkaApis.Metadata => Metadata(call, response),
            KafkaApis.OffsetCommit => OffsetCommit(call, response),
            KafkaApis.OffsetFetch => OffsetFetch(call, response),
            KafkaApis.FindCoordinator => FindCoordinator(call, response),
            KafkaApis.JoinGroup => await JoinGroupAsync(call, response, cancellationToken),
            KafkaApis.SyncGroup => await SyncGroupAsync(call, response, cancellationToken),
            KafkaApis.Heartbeat => Heartbeat(call, response),
            KafkaApis.LeaveGroup => LeaveGroup(call, response),
            KafkaApis.InitProducerId => InitProducerId(call, response),
            _ => throw new UnsupportedRequestException($"API {apiKey} is not served"),
        };
    }

    /// <summary>
    /// ApiVersions (KIP-35, KIP-511): v3 is flexible (compact arrays, tagged fields) but its response header is the
    /// classic one. A version newer than v3 gets the v0 answer with UNSUPPORTED_VERSION, so the client retries with
    /// one this broker knows.
    /// </summary>
    private static KafkaWriter ApiVersions(KafkaReader request, short version, KafkaWriter response)
    {
        if (version > 3)
        {
            return response.Int16(KafkaErrors.UnsupportedVersion).Array(KafkaApis.Supported, (w, api) => WriteApi(w, api));
        }

        if (version == 3)
        {
            request.SkipTaggedFields();
            _ = request.CompactString();
            _ = request.CompactString();
            return response.Int16(KafkaErrors.None)
                .CompactArray(KafkaApis.Supported, (w, api) => WriteApi(w, api).NoTaggedFields())
                .Int32(0)
                .NoTaggedFields();
        }

        response.Int16(KafkaErrors.None).Array(KafkaApis.Supported, (w, api) => WriteApi(w, api));
        return version >= 1 ? response.Int32(0) : response;
    }

    private static KafkaWriter WriteApi(KafkaWriter writer, (short Key, short Min, short Max) api) =>
        writer.Int16(api.Key).Int16(api.Min).Int16(api.Max);

    /// <summary>
    /// InitProducerId v0-v1, for idempotent producers (the Java client's default since 3.0): a new producer id with
    /// epoch 0. Their sequence numbers are not checked: one broker in memory neither loses nor reorders a produce.
    /// Transactions are not served: a transactional id is refused.
    /// </summary>
    private KafkaWriter InitProducerId(Request call, KafkaWriter response)
    {
        var transactionalId = call.Body.NullableString();
        _ = call.Body.Int32();
        response.Int32(0);
        return transactionalId is null
            ? response.Int16(KafkaErrors.None).Int64(Interlocked.Increment(ref _lastProducerId)).Int16(0)
            : response.Int16(KafkaErrors.TransactionalIdAuthorizationFailed).Int64(-1).Int16(-1);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        _expiry.Dispose();
        await _accepting;
        await Task.WhenAll(_connections.Keys);
        _stopping.Dispose();
    }

    private sealed record Request(KafkaReader Body, short Version, string ClientId);

    private sealed class UnsupportedRequestException(string message) : Exception(message);
}
