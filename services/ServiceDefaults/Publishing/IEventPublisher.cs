namespace DaprOrders.ServiceDefaults.Publishing;

/// <summary>Publishes an event on the shared pub/sub, keyed by its entity so one entity's events stay in order.</summary>
public interface IEventPublisher
{
    Task PublishAsync<T>(string topic, string key, T message, CancellationToken cancellationToken)
        where T : notnull;
}
