using System.Net;
using System.Net.Sockets;

namespace DaprOrders.EndToEnd.Tests.Telemetry;

/// <summary>
/// A collector that is there and never answers: it accepts TCP connections and reads or writes nothing, so every
/// OTLP export to it hangs until the exporter's own timeout. Worse for a client than a refused connection, which
/// fails at once. Counts the connections, so a test can tell that the exporters did try.
/// </summary>
public sealed class SilentCollector : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _firstConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    public SilentCollector()
    {
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Endpoint { get; }

    public int Connections
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>Completes when the first exporter has connected.</summary>
    public Task FirstConnection => _firstConnection.Task;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stopping.Token);
                lock (_held)
                {
                    _held.Add(socket);
                }

                _firstConnection.TrySetResult();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    /// <summary>
    /// Closes every held connection first, so the exporters' pending calls fail at once rather than holding up the
    /// apps' shutdown until their timeout.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }

            _held.Clear();
        }

        _stopping.Dispose();
    }
}
