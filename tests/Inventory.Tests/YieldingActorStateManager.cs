using Dapr.Actors.Runtime;

namespace DaprOrders.Inventory.Tests;

/// <summary>
/// Yields before every read, as a real state read over the network does, so that calls NOT serialised by the
/// actor's turns would interleave between "read stock" and "save reservation".
/// </summary>
internal sealed class YieldingActorStateManager(IActorStateManager inner) : IActorStateManager
{
    public async Task<ConditionalValue<T>> TryGetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await inner.TryGetStateAsync<T>(stateName, cancellationToken);
    }

    public async Task<T> GetStateAsync<T>(string stateName, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return await inner.GetStateAsync<T>(stateName, cancellationToken);
    }

    public Task AddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => inner.AddStateAsync(stateName, value, cancellationToken);
    public Task AddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.AddStateAsync(stateName, value, ttl, cancellationToken);
    public Task SetStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => inner.SetStateAsync(stateName, value, cancellationToken);
    public Task SetStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.SetStateAsync(stateName, value, ttl, cancellationToken);
    public Task RemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => inner.RemoveStateAsync(stateName, cancellationToken);
    public Task<bool> TryAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => inner.TryAddStateAsync(stateName, value, cancellationToken);
    public Task<bool> TryAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.TryAddStateAsync(stateName, value, ttl, cancellationToken);
    public Task<bool> ContainsStateAsync(string stateName, CancellationToken cancellationToken = default) => inner.ContainsStateAsync(stateName, cancellationToken);
    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, CancellationToken cancellationToken = default) => inner.GetOrAddStateAsync(stateName, value, cancellationToken);
    public Task<T> GetOrAddStateAsync<T>(string stateName, T value, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.GetOrAddStateAsync(stateName, value, ttl, cancellationToken);
    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, CancellationToken cancellationToken = default) => inner.AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, cancellationToken);
    public Task<T> AddOrUpdateStateAsync<T>(string stateName, T addValue, Func<string, T, T> updateValueFactory, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.AddOrUpdateStateAsync(stateName, addValue, updateValueFactory, ttl, cancellationToken);
    public Task<bool> TryRemoveStateAsync(string stateName, CancellationToken cancellationToken = default) => inner.TryRemoveStateAsync(stateName, cancellationToken);
    public Task UnloadStateAsync(string stateName, UnloadStateOptions options, CancellationToken cancellationToken = default) => inner.UnloadStateAsync(stateName, options, cancellationToken);
    public Task ClearCacheAsync(CancellationToken cancellationToken = default) => inner.ClearCacheAsync(cancellationToken);
    public Task SaveStateAsync(CancellationToken cancellationToken = default) => inner.SaveStateAsync(cancellationToken);
}
