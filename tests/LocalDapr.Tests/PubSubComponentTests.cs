using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.PubSub;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// A pubsub.kafka component's consumer group timeouts, read as pubsub.kafka reads them (components-contrib
/// common/component/kafka/metadata.go: heartbeatInterval 3s and sessionTimeout 10s by default).
/// </summary>
public sealed class PubSubComponentTests
{
    private static PubSubComponent Component(params (string Key, string Value)[] metadata) =>
        new(new ComponentDefinition("pubsub", "pubsub.kafka", "v1", metadata.ToDictionary(m => m.Key, m => m.Value), [], "pubsub.yaml"));

    [Fact]
    public void Without_metadata_the_group_timeouts_are_pubsub_kafkas_defaults()
    {
        var component = Component();

        Assert.Equal((TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10)), (component.HeartbeatInterval, component.SessionTimeout));
    }

    [Fact]
    public void The_group_timeouts_are_go_durations_from_the_metadata()
    {
        var component = Component(("heartbeatInterval", "500ms"), ("sessionTimeout", "1m"));

        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1)), (component.HeartbeatInterval, component.SessionTimeout));
    }

    [Theory]
    [InlineData("heartbeatInterval", "soon", "heartbeatInterval 'soon' is not a positive duration")]
    [InlineData("sessionTimeout", "0s", "sessionTimeout '0s' is not a positive duration")]
    [InlineData("sessionTimeout", "2s", "heartbeatInterval (3s) must be less than sessionTimeout (2s)")]
    public void Group_timeouts_that_cannot_work_stop_the_component_with_the_reason(string key, string value, string reason)
    {
        var error = Assert.Throws<FormatException>(() => Component((key, value)));

        Assert.Contains("pubsub.yaml: component 'pubsub'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
