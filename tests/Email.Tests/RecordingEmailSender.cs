using System.Threading.Channels;

namespace DaprOrders.Email.Tests;

/// <summary>
/// Records the emails handed to the binding. <see cref="FailNext"/> makes the next sends throw (the binding is
/// unreachable); <see cref="WhileSending"/> runs inside the next send, e.g. to break the store right after it.
/// </summary>
internal sealed class RecordingEmailSender : IEmailSender
{
    private readonly Lock _sync = new();
    private readonly List<EmailMessage> _sent = [];
    private readonly Channel<EmailMessage> _stream = Channel.CreateUnbounded<EmailMessage>();
    private int _failuresToInject;

    public IReadOnlyList<EmailMessage> Sent
    {
        get
        {
            lock (_sync)
            {
                return [.. _sent];
            }
        }
    }

    public Action? WhileSending { get; set; }

    public void FailNext(int count = 1) => Interlocked.Exchange(ref _failuresToInject, count);

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        // Yield as a real call to the sidecar does, so concurrent deliveries interleave here.
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (Interlocked.Decrement(ref _failuresToInject) >= 0)
        {
            throw new InvalidOperationException($"Injected send failure to {message.To}.");
        }

        Interlocked.Exchange(ref _failuresToInject, 0);
        var interfere = WhileSending;
        WhileSending = null;
        lock (_sync)
        {
            _sent.Add(message);
        }

        _stream.Writer.TryWrite(message);
        interfere?.Invoke();

        // The mail is out; a call cancelled meanwhile still loses its answer, as a cancelled HTTP call does.
        cancellationToken.ThrowIfCancellationRequested();
    }

    public IReadOnlyList<EmailMessage> To(string address) => [.. Sent.Where(m => m.To == address)];
}
