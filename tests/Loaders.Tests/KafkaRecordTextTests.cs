using System.Text;
using DaprOrders.Loaders.Tail;

namespace DaprOrders.Loaders.Tests;

public sealed class KafkaRecordTextTests
{
    private const string CloudEvent =
        """{"id":"e1","specversion":"1.0","source":"loader","type":"com.dapr.event.sent","datacontenttype":"application/json","topic":"payments","pubsubname":"pubsub","data":{"id":"p-1","orderId":"o-1","ccy":"EUR","amount":10}}""";

    [Fact]
    public void A_cloud_event_shows_its_source_and_data()
    {
        var line = KafkaRecordText.Format("payments", 2, 15, Encoding.UTF8.GetBytes("o-1"), Encoding.UTF8.GetBytes(CloudEvent), envelope: false);

        Assert.Equal("""payments/2@15 key=o-1 source=loader {"id":"p-1","orderId":"o-1","ccy":"EUR","amount":10}""", line);
    }

    [Fact]
    public void The_envelope_option_shows_the_whole_cloud_event()
    {
        var line = KafkaRecordText.Format("payments", 0, 1, null, Encoding.UTF8.GetBytes(CloudEvent), envelope: true);

        Assert.Equal($"payments/0@1 key=- source=loader {CloudEvent}", line);
    }

    [Fact]
    public void Base64_data_is_decoded_and_text_data_unquoted()
    {
        var binary = """{"specversion":"1.0","source":"x","data_base64":"aGVsbG8="}""";
        var text = """{"specversion":"1.0","source":"y","data":"plain text"}""";

        Assert.Equal("t/0@0 key=- source=x hello", KafkaRecordText.Format("t", 0, 0, null, Encoding.UTF8.GetBytes(binary), envelope: false));
        Assert.Equal("t/0@1 key=- source=y plain text", KafkaRecordText.Format("t", 0, 1, null, Encoding.UTF8.GetBytes(text), envelope: false));
    }

    [Theory]
    [InlineData("""{"product":"JUMPERS","quantity":3}""")]
    [InlineData("not json")]
    public void A_record_that_is_no_cloud_event_is_shown_as_text(string value)
    {
        Assert.Equal($"t/1@7 key=k {value}", KafkaRecordText.Format("t", 1, 7, Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes(value), envelope: false));
    }
}
