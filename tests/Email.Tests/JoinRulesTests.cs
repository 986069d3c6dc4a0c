using DaprOrders.Contracts;

namespace DaprOrders.Email.Tests;

public sealed class JoinRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);
    private static readonly Order Validated = new("o-1", "c-1", OrderState.Validated, Product.Jumpers, 2, 40m);
    private static readonly Payment Payment = new("p-1", "o-1", "EUR", 40m);

    private static OrderJoin Empty => JoinRules.Start("o-1", Now, Timeout);

    [Fact]
    public void A_new_join_waits_until_the_timeout() =>
        Assert.Equal(new OrderJoin("o-1", null, null, Now + Timeout, JoinStage.Waiting), Empty);

    [Fact]
    public void A_validated_order_then_its_payment_make_the_join_ready()
    {
        var withOrder = JoinRules.WithOrder(Empty, Validated);
        var both = JoinRules.WithPayment(withOrder, Payment);

        Assert.False(JoinRules.IsReady(withOrder));
        Assert.True(JoinRules.IsReady(both));
    }

    [Fact]
    public void A_payment_then_its_validated_order_make_the_join_ready()
    {
        var withPayment = JoinRules.WithPayment(Empty, Payment);
        var both = JoinRules.WithOrder(withPayment, Validated);

        Assert.False(JoinRules.IsReady(withPayment));
        Assert.True(JoinRules.IsReady(both));
        Assert.Equal(JoinRules.WithPayment(JoinRules.WithOrder(Empty, Validated), Payment), both);
    }

    [Theory]
    [InlineData(OrderState.Created)]
    [InlineData(OrderState.Failed)]
    [InlineData(OrderState.Shipped)]
    public void An_order_that_is_not_validated_does_not_join(OrderState state)
    {
        var join = JoinRules.WithPayment(Empty, Payment);

        Assert.Same(join, JoinRules.WithOrder(join, Validated with { State = state }));
    }

    [Fact]
    public void Once_claimed_a_join_ignores_late_and_redelivered_parts()
    {
        var claimed = JoinRules.Claim(JoinRules.WithPayment(JoinRules.WithOrder(Empty, Validated), Payment), "claim-1", Now);

        Assert.Same(claimed, JoinRules.WithOrder(claimed, Validated with { Price = 1m }));
        Assert.Same(claimed, JoinRules.WithPayment(claimed, Payment with { Id = "p-2" }));
        Assert.False(JoinRules.IsReady(claimed));
        Assert.False(JoinRules.IsReady(JoinRules.Sent(claimed)));
    }

    [Fact]
    public void A_released_claim_is_ready_again()
    {
        var ready = JoinRules.WithPayment(JoinRules.WithOrder(Empty, Validated), Payment);

        Assert.Equal(ready, JoinRules.Release(JoinRules.Claim(ready, "claim-1", Now)));
    }

    [Fact]
    public void A_waiting_join_expires_at_its_deadline_not_before()
    {
        Assert.False(JoinRules.HasExpired(Empty, Now + Timeout - TimeSpan.FromTicks(1)));
        Assert.True(JoinRules.HasExpired(Empty, Now + Timeout));
    }

    [Fact]
    public void A_claimed_or_sent_join_never_expires()
    {
        var claimed = JoinRules.Claim(Empty, "claim-1", Now);

        Assert.False(JoinRules.HasExpired(claimed, Now + TimeSpan.FromDays(30)));
        Assert.False(JoinRules.HasExpired(JoinRules.Sent(claimed), Now + TimeSpan.FromDays(30)));
    }

    [Fact]
    public void A_waiting_join_is_kept_until_its_deadline_plus_grace_and_a_sent_one_for_the_retention()
    {
        var grace = TimeSpan.FromMinutes(1);
        var retention = TimeSpan.FromDays(7);

        Assert.Equal(Timeout + grace, JoinRules.TimeToLive(Empty, Now, grace, retention));
        Assert.Equal(TimeSpan.FromMinutes(4) + grace, JoinRules.TimeToLive(Empty, Now + TimeSpan.FromMinutes(6), grace, retention));
        Assert.Equal(grace, JoinRules.TimeToLive(Empty, Now + TimeSpan.FromHours(1), grace, retention));
        Assert.Equal(retention, JoinRules.TimeToLive(JoinRules.Sent(Empty), Now, grace, retention));
    }

    [Fact]
    public void The_expiry_warning_says_what_was_missing()
    {
        Assert.Equal("its VALIDATED order", JoinRules.Missing(JoinRules.WithPayment(Empty, Payment), customerKnown: false));
        Assert.Equal("its payment", JoinRules.Missing(JoinRules.WithOrder(Empty, Validated), customerKnown: true));
        Assert.Equal("its payment and customer c-1", JoinRules.Missing(JoinRules.WithOrder(Empty, Validated), customerKnown: false));
        Assert.Equal("customer c-1", JoinRules.Missing(JoinRules.WithPayment(JoinRules.WithOrder(Empty, Validated), Payment), customerKnown: false));
    }

    [Fact]
    public void An_order_waits_for_a_customer_once()
    {
        var (first, _) = JoinRules.Await(null, "o-1", max: 10);
        var (second, _) = JoinRules.Await(first, "o-2", max: 10);
        var (again, dropped) = JoinRules.Await(second, "o-1", max: 10);

        Assert.Equal(["o-1", "o-2"], second.OrderIds);
        Assert.Same(second, again);
        Assert.Null(dropped);
    }

    [Fact]
    public void Beyond_the_bound_the_oldest_waiting_order_stops_waiting()
    {
        var (full, _) = JoinRules.Await(new AwaitingCustomer(["o-1", "o-2"]), "o-3", max: 3);

        var (awaiting, dropped) = JoinRules.Await(full, "o-4", max: 3);

        Assert.Equal(["o-2", "o-3", "o-4"], awaiting.OrderIds);
        Assert.Equal("o-1", dropped);
    }

    [Fact]
    public void Handled_orders_leave_the_waiting_list() =>
        Assert.Equal(["o-3"], JoinRules.Without(new AwaitingCustomer(["o-1", "o-2", "o-3"]), ["o-2", "o-1"]).OrderIds);

    [Theory]
    [InlineData("platinum", "platinum")]
    [InlineData("Gold", "gold")]
    [InlineData(" SILVER ", "silver")]
    [InlineData("bronze", "bronze")]
    [InlineData("diamond", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Only_the_four_known_levels_are_recognised(string? level, string? recognised) =>
        Assert.Equal(recognised, CustomerLevels.Recognise(level));

    [Fact]
    public void The_confirmation_is_addressed_to_the_customer_and_encodes_what_came_from_topics()
    {
        var customer = new Customer("c-1", "Ada", "<Lovelace>", "ada@example.com", "1 Analytical Row", "gold");

        var email = ConfirmationEmail.For(Validated with { Id = "o-<1>" }, Payment, customer);

        Assert.Equal("ada@example.com", email.To);
        Assert.Equal("Your order o-<1> is confirmed", email.Subject);
        Assert.Contains("&lt;Lovelace&gt;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("o-&lt;1&gt;", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("40.00 EUR", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<Lovelace>", email.HtmlBody, StringComparison.Ordinal);
    }
}
