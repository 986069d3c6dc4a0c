using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using DaprOrders.Contracts;
using DaprOrders.Orders.View;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprOrders.Orders.Tests;

/// <summary>
/// The REST API with bearer tokens on, configured as `dotnet user-jwts` configures a local run (issuer, audience
/// and a signing key under Authentication:Schemes:Bearer), and a small POST rate limit.
/// </summary>
public sealed class OrdersAuthTests() : OrdersAppTests(Settings)
{
    private const string Issuer = "test-issuer";
    private const string Audience = "daprorders-orders";
    private const int PermitLimit = 3;
    private static readonly byte[] SigningKey = RandomNumberGenerator.GetBytes(32);

    private static readonly Dictionary<string, string> Settings = new()
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(SigningKey),
        ["RateLimiting:PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimiting:Window"] = "01:00:00",
    };

    private readonly string _customerA = $"a-{Guid.NewGuid():N}";
    private readonly string _customerB = $"b-{Guid.NewGuid():N}";

    private static Order OrderOf(string customerId) => new($"o-{Guid.NewGuid():N}", customerId, OrderState.Created, Product.Jumpers, 1, 10m);

    /// <summary>A token as `dotnet user-jwts create --name {subject}` issues it, with optional role and scope.</summary>
    private static string Token(
        string subject, string? role = null, string? scope = null, DateTime? expires = null, byte[]? key = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null)
        {
            claims["role"] = role;
        }

        if (scope is not null)
        {
            claims["scope"] = scope;
        }

        var expiry = expires ?? DateTime.UtcNow.AddHours(1);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = expiry.AddHours(-2),
            NotBefore = expiry.AddHours(-2),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? SigningKey), SecurityAlgorithms.HmacSha256),
        });
    }

    private Task<HttpResponseMessage> PostAsync(Order order, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orders") { Content = JsonContent.Create(order, options: ContractsJson.Options) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Client.SendAsync(request, Cancel);
    }

    private Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Client.SendAsync(request, Cancel);
    }

    private bool Recorded(Order order) => App.StateStore.Keys.Any(k => k.Contains(order.Id, StringComparison.Ordinal));

    [Fact]
    public async Task Without_a_token_posting_and_reading_are_401_problems_and_nothing_is_recorded()
    {
        var order = OrderOf(_customerA);

        using var post = await PostAsync(order, token: null);
        using var get = await GetAsync($"/v1/orders/{order.Id}?timeout=0", token: null);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (post.StatusCode, get.StatusCode));
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Bearer", post.Headers.WwwAuthenticate.Select(h => h.Scheme));
        Assert.False(Recorded(order));
    }

    public static TheoryData<string> BadTokens { get; } = new()
    {
        { "expired" },
        { "signed with another key" },
        { "not a JWT" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task An_expired_wrongly_signed_or_malformed_token_is_401(string kind)
    {
        var order = OrderOf(_customerA);
        var token = kind switch
        {
            "expired" => Token(_customerA, expires: DateTime.UtcNow.AddMinutes(-10)),
            "signed with another key" => Token(_customerA, key: RandomNumberGenerator.GetBytes(32)),
            _ => "not-a-jwt",
        };

        using var post = await PostAsync(order, token);

        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.False(Recorded(order));
    }

    [Fact]
    public async Task A_customer_posts_their_own_order()
    {
        var order = OrderOf(_customerA);

        using var post = await PostAsync(order, Token(_customerA));

        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.True(Recorded(order));
    }

    [Fact]
    public async Task A_customer_posting_for_another_customer_is_a_403_problem_and_nothing_is_recorded()
    {
        var order = OrderOf(_customerB);

        using var post = await PostAsync(order, Token(_customerA));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        var problem = await post.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(403, problem?.Status);
        Assert.False(Recorded(order));
    }

    [Fact]
    public async Task A_customer_reading_another_customers_order_gets_404_as_for_no_order_and_the_owner_gets_it()
    {
        var order = OrderOf(_customerB) with { State = OrderState.Validated };
        App.StateStore.Put(OrderViewProjection.KeyFor(order.Id), order);

        using var other = await GetAsync($"/v1/orders/{order.Id}?timeout=0", Token(_customerA));
        using var otherValidated = await GetAsync($"/v1/orders/{order.Id}/validated?timeout=0", Token(_customerA));
        using var missing = await GetAsync($"/v1/orders/o-{Guid.NewGuid():N}?timeout=0", Token(_customerA));
        using var owner = await GetAsync($"/v1/orders/{order.Id}?timeout=0", Token(_customerB));

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherValidated.StatusCode);
        var otherProblem = await other.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        var missingProblem = await missing.Content.ReadFromJsonAsync<ProblemDetails>(Cancel);
        Assert.Equal(missingProblem?.Title, otherProblem?.Title);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal(order, await owner.Content.ReadFromJsonAsync<Order>(ContractsJson.Options, Cancel));
    }

    [Theory]
    [InlineData("role")]
    [InlineData("scope")]
    public async Task An_admin_by_role_or_scope_posts_and_reads_for_any_customer(string claim)
    {
        var admin = claim == "role" ? Token("operator", role: "orders.admin") : Token("operator", scope: "openid orders.admin");
        var posted = OrderOf(_customerB);
        var existing = OrderOf(_customerA);
        App.StateStore.Put(OrderViewProjection.KeyFor(existing.Id), existing);

        using var post = await PostAsync(posted, admin);
        using var get = await GetAsync($"/v1/orders/{existing.Id}?timeout=0", admin);

        Assert.Equal(HttpStatusCode.Created, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task A_role_that_is_not_the_admin_role_acts_for_no_one_else()
    {
        using var post = await PostAsync(OrderOf(_customerB), Token(_customerA, role: "orders.reader", scope: "orders"));

        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
    }

    [Fact]
    public async Task Posting_over_the_rate_is_a_429_problem_with_retry_after_per_caller()
    {
        var tokenA = Token(_customerA);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < PermitLimit; i++)
        {
            using var accepted = await PostAsync(OrderOf(_customerA), tokenA);
            statuses.Add(accepted.StatusCode);
        }

        var over = OrderOf(_customerA);
        using var rejected = await PostAsync(over, tokenA);
        using var otherCaller = await PostAsync(OrderOf(_customerB), Token(_customerB));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        var retryAfter = rejected.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.False(Recorded(over));
        Assert.Equal(HttpStatusCode.Created, otherCaller.StatusCode);
    }

    [Fact]
    public void The_admin_rule_reads_roles_and_space_separated_scopes()
    {
        var callers = new Security.OrdersCallers(authenticationOn: true, "orders.admin");
        ClaimsPrincipal Caller(params Claim[] claims) => new(new ClaimsIdentity(claims, "test"));

        Assert.True(callers.MayActFor(Caller(new Claim("sub", "c-1")), "c-1"));
        Assert.False(callers.MayActFor(Caller(new Claim("sub", "c-1")), "c-2"));
        Assert.True(callers.MayActFor(Caller(new Claim("sub", "x"), new Claim("scope", "a orders.admin b")), "c-2"));
        Assert.False(callers.MayActFor(Caller(new Claim("sub", "x"), new Claim("scope", "orders.administrator")), "c-2"));
        Assert.False(callers.MayActFor(Caller(), "c-2"));
        Assert.True(new Security.OrdersCallers(authenticationOn: false, "orders.admin").MayActFor(Caller(), "c-2"));
    }
}
