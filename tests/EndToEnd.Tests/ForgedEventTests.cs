using System.Net;
using System.Text;
using System.Text.Json;
using DaprOrders.Contracts;

namespace DaprOrders.EndToEnd.Tests;

/// <summary>
/// An attacker inside the network posts events straight to a service's port, past its sidecar (docs/security.md,
/// "forged events" and "forged stock"). With the app API token on, the services refuse them and the real checks
/// still decide.
/// </summary>
[Collection(SharedOrderSystem.Name)]
public sealed class ForgedEventTests(OrderSystemFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OrderSystem System => fixture.System;

    /// <summary>No token, and a token that is not the app's.</summary>
    private static readonly string?[] ForgedTokens = [null, "not-the-app-token"];

    [Fact]
    public async Task Forged_passes_posted_to_orders_are_refused_and_the_real_fraud_check_fails_the_order()
    {
        await System.SetStockAsync(Product.Jumpers, 1_000_000, Ct);
        // Over the fraud limit (2000): the real fraud check fails it.
        var order = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Jumpers, 1, 5_000m);
        await System.Orders.CreateOrderAsync(order, Ct);

        using var orders = AppPort(AppIds.Orders);
        var statuses = new List<HttpStatusCode>();
        foreach (var check in Enum.GetValues<OrderValidationType>())
        {
            foreach (var token in ForgedTokens)
            {
                statuses.Add(await PostEventAsync(orders, Topics.OrderValidations,
                    new OrderValidation(order.Id, check, OrderValidationResult.Pass), token));
            }
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(order.Id, Ct)).State);
    }

    [Fact]
    public async Task A_forged_failure_posted_to_inventory_is_refused_and_releases_no_stock()
    {
        // The only test of the shared system that orders underpants: one in stock, taken by the first order.
        await System.SetStockAsync(Product.Underpants, 1, Ct);
        var first = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Underpants, 1, 10m);
        await System.Orders.CreateOrderAsync(first, Ct);
        Assert.Equal(OrderState.Validated, (await System.Orders.GetDecidedOrderAsync(first.Id, Ct)).State);

        // A FAILED order event makes inventory release the order's reservation: forged, it would free the stock.
        using var inventory = AppPort(AppIds.Inventory);
        var statuses = new List<HttpStatusCode>();
        foreach (var token in ForgedTokens)
        {
            statuses.Add(await PostEventAsync(inventory, Topics.Orders, first with { State = OrderState.Failed }, token));
        }

        var second = new Order(TestIds.New("order"), TestIds.New("customer"), OrderState.Created, Product.Underpants, 1, 10m);
        await System.Orders.CreateOrderAsync(second, Ct);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal(OrderState.Failed, (await System.Orders.GetDecidedOrderAsync(second.Id, Ct)).State);
    }

    private HttpClient AppPort(string appId) => OrderSystem.HttpFor(System.Apps.First(a => a.AppId == appId));

    /// <summary>A CloudEvent as daprd would deliver it, posted to the app's own port with <paramref name="token"/>.</summary>
    private static async Task<HttpStatusCode> PostEventAsync<T>(HttpClient app, string topic, T data, string? token)
    {
        var envelope = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["specversion"] = "1.0",
            ["id"] = Guid.NewGuid().ToString(),
            ["source"] = AppIds.Inventory,
            ["type"] = "com.dapr.event.sent",
            ["topic"] = topic,
            ["pubsubname"] = DaprComponents.PubSub,
            ["datacontenttype"] = "application/json",
            ["data"] = JsonSerializer.SerializeToElement(data, ContractsJson.Options),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"events/{topic}", UriKind.Relative))
        {
            Content = new StringContent(envelope, Encoding.UTF8, "application/cloudevents+json"),
        };
        if (token is not null)
        {
            request.Headers.Add("dapr-api-token", token);
        }

        using var response = await app.SendAsync(request, Ct);
        return response.StatusCode;
    }
}
