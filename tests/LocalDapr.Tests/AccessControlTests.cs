using DaprOrders.LocalDapr.Components;
using DaprOrders.LocalDapr.Invocation;

namespace DaprOrders.LocalDapr.Tests;

/// <summary>
/// The access control rules as daprd's ACL applies them (dapr pkg/acl/acl.go, pkg/config/acl_trie.go), one case
/// per rule, on a Configuration read from YAML.
/// </summary>
public sealed class AccessControlTests
{
    private static readonly CallerIdentity Loader = new("loader", "default", "public");

    [Theory]
    [InlineData("v1/orders", "POST", true)] // a pattern matches itself
    [InlineData("v1/orders/o-1/validated", "GET", true)] // ... and everything below it
    [InlineData("V1/Orders", "POST", true)] // HTTP apps compare in lower case
    [InlineData("v1/orders", "DELETE", false)] // a verb not listed: the caller's default action
    [InlineData("v1/ordersx", "POST", false)] // segments, not string prefixes
    [InlineData("items/a", "GET", true)] // `/*`: one last segment
    [InlineData("items/a/b", "GET", false)] // ... not two
    [InlineData("files/a/b/c", "PUT", true)] // `/**`: any depth, `*` verb
    [InlineData("report-2026", "GET", true)] // `*` inside a segment
    [InlineData("admin", "GET", false)] // the first match decides: deny
    public void Http_operation_matching(string method, string verb, bool allowed)
    {
        var accessControl = Load("""
            defaultAction: allow
            policies:
              - appId: loader
                defaultAction: deny
                trustDomain: public
                namespace: default
                operations:
                  - { name: /v1/orders, httpVerb: [GET, POST], action: allow }
                  - { name: /items/*, httpVerb: [GET], action: allow }
                  - { name: /files/**, httpVerb: ["*"], action: allow }
                  - { name: /report-*, httpVerb: [GET], action: allow }
                  - { name: /admin, httpVerb: ["*"], action: deny }
                  - { name: /admin, httpVerb: ["*"], action: allow }
            """);

        Assert.Equal(allowed, accessControl.Allows(Loader, method, verb, calleeIsHttp: true));
    }

    [Fact]
    public void Callers_without_a_matching_policy_get_the_global_default()
    {
        var accessControl = Load("""
            defaultAction: deny
            policies:
              - { appId: loader, trustDomain: public, namespace: default, defaultAction: allow }
            """);

        Assert.True(accessControl.Allows(Loader, "anything", "GET", calleeIsHttp: true));
        Assert.False(accessControl.Allows(Loader with { Namespace = "prod" }, "anything", "GET", calleeIsHttp: true));
        Assert.False(accessControl.Allows(Loader with { TrustDomain = "cluster.local" }, "anything", "GET", calleeIsHttp: true));
        Assert.False(accessControl.Allows(new CallerIdentity("grid", "default", "public"), "anything", "GET", calleeIsHttp: true));
        Assert.False(accessControl.Allows(null, "anything", "GET", calleeIsHttp: true));
    }

    [Fact]
    public void Grpc_apps_match_case_sensitively_on_the_operation_action()
    {
        var accessControl = Load("""
            policies:
              - appId: loader
                trustDomain: public
                namespace: default
                operations:
                  - { name: /orders.Orders/Place, action: allow }
            """);

        Assert.True(accessControl.Allows(Loader, "/orders.Orders/Place", null, calleeIsHttp: false));
        Assert.False(accessControl.Allows(Loader, "/orders.orders/place", null, calleeIsHttp: false));
        Assert.False(accessControl.Allows(Loader, "/orders.Orders/Cancel", null, calleeIsHttp: false)); // no default: deny
    }

    [Fact]
    public void A_policy_without_trust_domain_or_namespace_is_refused_as_daprd_refuses_to_start()
    {
        var error = Assert.Throws<ResourceException>(() => Load("""
            policies:
              - { appId: loader, namespace: default }
            """));

        Assert.Contains("every caller policy needs appId, trustDomain and namespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("policies[0] (loader)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_access_control_or_an_empty_policy_list_allows_everything()
    {
        Assert.Null(AccessControl.From(Resources("spec: {}")));
        Assert.Null(AccessControl.From(Resources("spec:\n  accessControl:\n    policies: []")));
        Assert.True(Load("trustDomain: public\npolicies: []").Allows(Loader, "x", "GET", calleeIsHttp: true));
        Assert.False(Load("trustDomain: public").Allows(Loader, "x", "GET", calleeIsHttp: true)); // no list: deny
    }

    private static AccessControl Load(string accessControl) =>
        AccessControl.From(Resources("spec:\n  accessControl:\n" + string.Join('\n', accessControl.Split('\n').Select(l => "    " + l))))
        ?? throw new InvalidOperationException("No access control.");

    private static RuntimeResources Resources(string spec)
    {
        var components = new List<ComponentDefinition>();
        var documents = new List<ResourceDocument>();
        ResourceLoader.LoadFile("config.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: acl\n" + spec, components, documents);
        return new RuntimeResources(components, documents);
    }
}
