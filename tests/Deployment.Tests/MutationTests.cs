using DaprOrders.Deployment.Tests.Helm;

namespace DaprOrders.Deployment.Tests;

/// <summary>
/// The checks catch drift: each test copies the deployment files of this checkout, changes one name or drops one
/// required field, and expects the checks to report exactly that.
/// </summary>
public sealed class MutationTests : IDisposable
{
    private static readonly string[] CopiedFolders = ["components", "charts", "tilt", "services", "docs"];
    private static readonly string[] CopiedFiles = ["dapr.yaml", "Tiltfile", ".dockerignore", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig"];

    private readonly string _root = Directory.CreateTempSubdirectory("deployment-tests-").FullName;

    public MutationTests()
    {
        foreach (var folder in CopiedFolders)
        {
            // From services/ the checks read sources and project files only.
            CopyFolder(Repo.Current.Path(folder), Path.Combine(_root, folder), folder == "services" ? IsSourceOrBuildFile : _ => true);
        }

        foreach (var file in CopiedFiles)
        {
            File.Copy(Repo.Current.Path(file), Path.Combine(_root, file));
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string, string, string, string> Mutations { get; } = new()
    {
        { "charts/daprorders/values.yaml", "    customers:\n      compact: true\n", "    customer:\n      compact: true\n", "topic 'customers' has no KafkaTopic" },
        { "charts/daprorders/values.yaml", "    warehouse-inventory:\n      compact: true\n", "    warehouse-inventory: {}\n", "warehouse-inventory (kafka-topics.yaml): cleanup.policy must be compact" },
        { "charts/daprorders/values.yaml", "    project: Grid\n    replicas: 1\n", "    project: Grid\n    replicas: 2\n", "grid must run exactly 1 replica" },
        { "charts/daprorders/values.yaml", "      Fraud__Limit: \"2000\"\n", "      Fraud__Limt: \"2000\"\n", "services.fraud.env.Fraud__Limt is not a setting of services/Fraud" },
        { "charts/daprorders/templates/deployments.yaml", "        dapr.io/app-id: {{ $name | quote }}\n", "", "annotation dapr.io/app-id must be the deployment's name" },
        { "charts/daprorders/templates/deployments.yaml", "path: /readyz", "path: /ready", "readinessProbe must GET /readyz" },
        { "charts/daprorders/templates/deployments.yaml", "            - name: APP_PORT\n              value: {{ $svc.port | quote }}", "            - name: APP_PORT\n              value: \"9999\"", "env APP_PORT must equal dapr.io/app-port" },
        { "charts/daprorders/templates/ingress.yaml", "          - path: /v1/orders\n", "          - path: /dapr/subscribe\n", "exposes Dapr, actor, subscription or health routes" },
        { "charts/daprorders/templates/dapr-components.yaml", "  name: statestore\n", "  name: state\n", "components named 'statestore' (DaprComponents), expected 1" },
        { "charts/daprorders/templates/dapr-configuration.yaml", "      protocol: grpc\n", "      protocol: tcp\n", "spec.tracing.otel.protocol must be grpc or http" },
        { "components/kubernetes/pubsub.yaml", "fraud=order-validations,dead-letter", "fraud=orders,order-validations,dead-letter", "'fraud' may publish 'orders', whose single writer is 'orders'" },
        { "components/kubernetes/pubsub.yaml", "fraud=order-validations,dead-letter", "fraud=orders,order-validations,dead-letter", "'pubsub' publishingScopes differ between local and kubernetes" },
        { "components/kubernetes/pubsub.yaml", "    - name: brokers\n      value: \"daprorders-kafka-bootstrap:9093\"\n", "", "pubsub.kafka requires metadata 'brokers'" },
        { "tilt/values-dev.yaml", "  tls:\n    enabled: false\n", "", "needs disableTls \"true\"" },
        { "components/local/pubsub-broadcast.yaml", "    - name: disableTls\n      value: \"true\"\n", "", "needs disableTls \"true\"" },
        { "tilt/values-dev.yaml", "  fraud:\n    replicas: 1\n", "  fraud:\n    replica: 1\n", "at '/services/fraud': additional properties 'replica' not allowed" },
        { "components/kubernetes/statestore.yaml", "    - name: actorStateStore\n      value: \"true\"\n", "", "kubernetes: 0 actor state stores" },
        { "components/kubernetes/email.yaml", "scopes:\n  - email\n", "", "'email' must be scoped to 'email' only" },
        { "components/kubernetes/resiliency.yaml", "      ProductStockActor:\n", "      StockActor:\n", "targets actor type 'StockActor', which no service declares" },
        { "components/local/pubsub.yaml", "grid=orders,payments,customers\"", "grid=orders,payments,customers,shipments\"", "names topic 'shipments', which is not in Topics" },
        { "components/local/pubsub-broadcast.yaml", "\"{uuid}\"", "\"orders\"", "consumerID must be \"{uuid}\"" },
        { "components/local/resiliency.yaml", "        maxRetries: -1\n", "        maxRetries: 3\n", "inbound retry differs between local and kubernetes" },
        { "services/Fraud/CustomerSpendActor.cs", "TypeName = \"CustomerSpendActor\"", "TypeName = \"SpendActor\"", "targets actor type 'CustomerSpendActor', which no service declares" },
        { "services/Dockerfile", "USER $APP_UID\n", "USER root\n", "the final stage must switch to a non-root USER" },
        { "services/Dockerfile", "COPY services/ServiceDefaults/ services/ServiceDefaults/\n", "", "does not COPY services/ServiceDefaults/" },
        { "tilt/values-dev.yaml", "  host: \"redis:6379\"", "  host: \"redis-master:6379\"", "dev redis.host 'redis-master:6379' is not a Service port in tilt/dev" },
        { "tilt/dev/kafka.yaml", "  name: daprorders\n  annotations:", "  name: kafka\n  annotations:", "tilt/dev has no Strimzi Kafka named 'daprorders'" },
        { "Tiltfile", "'statestore:component'", "'state-store:component'", "Tiltfile groups 'state-store:component', which the chart does not render" },
        { "dapr.yaml", "appID: fraud\n", "appID: fraud-check\n", "dapr.yaml app 'fraud-check' is not in AppIds" },
        { "components/kubernetes/statestore.yaml", "scopes:\n  - orders\n", "scopes:\n", "its scopes must include 'orders'" },
        { "components/local/statestore.yaml", "  - inventory\n", "", "scopes leave out 'inventory'" },
        { "charts/daprorders/templates/dapr-components.yaml", "scopes:\n  - orders\n  - fraud\n", "scopes:\n  - orders\n", "'statestore' scopes differ between kubernetes and chart" },
        { "components/kubernetes/statestore.yaml", "scopes:\n  - orders\n  - fraud\n  - inventory\n  - email\n", "", "statestore: needs scopes" },
        { "components/kubernetes/configuration.yaml", "      completed: \"10m\"\n", "      completed: \"10 minutes\"\n", "stateRetentionPolicy.completed '10 minutes' is not a Go duration" },
        { "components/kubernetes/configuration.yaml", "      completed: \"10m\"\n", "      completed: 600\n", "stateRetentionPolicy.completed '600' is not a Go duration string" },
        { "components/kubernetes/configuration.yaml", "      completed: \"10m\"\n", "      complete: \"10m\"\n", "stateRetentionPolicy.complete is not a terminal state" },
        { "components/kubernetes/configuration.yaml", "  workflow:\n", "  workflows:\n", "the sidecar Configuration has no spec.workflow" },
        { "components/local/configuration.yaml", "      anyTerminal: \"24h\"\n", "      anyTerminal: \"12h\"\n", "spec.workflow differs between local and kubernetes" },
        { "charts/daprorders/values.yaml", "      completed: \"10m\"\n", "      completed: \"2h\"\n", "Configuration/daprorders differs between kubernetes/configuration.yaml and the chart" },
        { "dapr.yaml", "  configFilePath: ./components/local/configuration.yaml\n", "", "dapr.yaml common.configFilePath must be ./components/local/configuration.yaml" },
        { "components/kubernetes/resiliency.yaml", "    actors:\n      CustomerSpendActor:\n", "    actors:\n      OrderValidationActor:\n        timeout: actorCall\n      CustomerSpendActor:\n", "targets actor type 'OrderValidationActor', which the orders workflow replaced" },
        { "components/kubernetes/resiliency.yaml", "      actorCall: 10s\n", "      actorCall: 10s\n      DefaultActorTimeoutPolicy: 10s\n", "policy 'DefaultActorTimeoutPolicy' is a Dapr default policy name" },
        { "charts/daprorders/Chart.yaml", "daprorders.io/dapr-version: \">=1.18.0\"", "daprorders.io/dapr-version: \">=1.16.0\"", "must be \">=X.Y.Z\" with X.Y.Z at least 1.18.0" },
        { "charts/daprorders/templates/NOTES.txt", "Dapr >= 1.18", "Dapr 1.x", "NOTES.txt must state the Dapr version the chart needs: 'Dapr >= 1.18'" },
        // Service invocation access control (spec.accessControl): deny by default, callers of this system with a reason.
        { "components/kubernetes/configuration.yaml", "\n    defaultAction: deny\n", "\n    defaultAction: allow\n", "spec.accessControl.defaultAction must be deny" },
        { "components/kubernetes/configuration.yaml", "        defaultAction: deny\n", "        defaultAction: allow\n", "accessControl policy 'loader': defaultAction must be deny" },
        { "components/local/configuration.yaml", "      - appId: loader\n", "      - appId: loaders\n", "appId 'loaders' is not an app id of this system" },
        { "components/kubernetes/configuration.yaml", "httpVerb: [\"GET\", \"POST\"]", "httpVerb: [\"GET\", \"post\"]", "httpVerb 'post' is not one of daprd's verbs" },
        { "charts/daprorders/templates/dapr-configuration.yaml", "httpVerb: [\"GET\", \"POST\"]", "httpVerb: [\"GET\", \"POST\", \"DELETE\"]", "operation '/v1/orders/**' allows DELETE, which no route of /v1/orders maps" },
        { "components/kubernetes/configuration.yaml", "httpVerb: [\"GET\", \"POST\"]", "httpVerb: [\"*\"]", "allows every verb ('*')" },
        { "services/Orders/Api/OrdersApi.cs", "orders.MapPost(\"/\", CreateOrder)", "orders.MapPut(\"/\", CreateOrder)", "allows POST, which no route of /v1/orders maps (GET, PUT)" },
        { "components/local/configuration.yaml", "          - name: /v1/orders/**\n", "          - name: /events/**\n", "operation '/events/**' is not under a route group the services map" },
        { "components/kubernetes/configuration.yaml", "            action: allow\n", "            action: permit\n", "action must be allow or deny, found 'permit'" },
        { "components/kubernetes/configuration.yaml", "        operations:\n", "        operations:\n          - name: /v1/orders\n            httpVerb: [\"POST\"]\n            action: allow\n", "operations '/v1/orders' and '/v1/orders/**' overlap" },
        { "components/kubernetes/configuration.yaml", "        namespace: \"daprorders\"\n", "", "needs a namespace and a trustDomain" },
        { "components/kubernetes/configuration.yaml", "        namespace: \"daprorders\"\n", "        namespace: \"default\"\n", "namespace 'default' is not the namespace the callers' sidecars run in, 'daprorders'" },
        { "components/local/configuration.yaml", "        trustDomain: \"public\"\n", "        trustDomain: \"cluster.local\"\n", "trustDomain 'cluster.local' is not the apps' trust domain 'public'" },
        { "charts/daprorders/templates/dapr-configuration.yaml", "namespace: {{ .Release.Namespace | quote }}", "namespace: \"daprorders\"", "namespace 'daprorders' is not the namespace the callers' sidecars run in, 'orders-prod'" },
        { "charts/daprorders/values.yaml", "  accessControl:\n    enabled: true\n", "  accessControl:\n    enabled: false\n", "chart/dapr-configuration.yaml Configuration/daprorders: has no spec.accessControl" },
        { "components/local/configuration.yaml", "httpVerb: [\"GET\", \"POST\"]", "httpVerb: [\"POST\"]", "spec.accessControl differs between local and kubernetes (namespaces aside)" },
        { "components/kubernetes/configuration.yaml", "  accessControl:\n", "  accessControls:\n", "kubernetes/configuration.yaml Configuration/daprorders: has no spec.accessControl" },
        // Dapr's tokens and the NetworkPolicies (docs/security.md).
        { "charts/daprorders/templates/deployments.yaml", "        dapr.io/api-token-secret: {{ include \"daprorders.apiTokenSecret\" $name | quote }}\n", "", "Deployment/fraud (deployments.yaml): annotation dapr.io/api-token-secret is missing" },
        { "charts/daprorders/templates/deployments.yaml", "                  name: {{ include \"daprorders.appTokenSecret\" $name }}\n", "                  name: {{ include \"daprorders.apiTokenSecret\" $name }}\n", "env APP_API_TOKEN must come from secret 'orders-app-api-token' key 'token'" },
        { "charts/daprorders/values.yaml", "  apiTokens:\n    enabled: true\n", "  apiTokens:\n    enabled: false\n", "Deployment/orders (deployments.yaml): annotation dapr.io/app-token-secret is missing" },
        { "charts/daprorders/templates/api-tokens.yaml", "  token: {{", "  tokn: {{", "names secret 'grid-dapr-api-token', which the chart does not render with a key 'token'" },
        { "charts/daprorders/values.yaml", "networkPolicies:\n  enabled: true\n", "networkPolicies:\n  enabled: false\n", "networkPolicies.enabled must be true" },
        { "charts/daprorders/templates/networkpolicies.yaml", "              dapr.io/app-id: loader\n", "              dapr.io/app-id: grid\n", "NetworkPolicy/orders (networkpolicies.yaml): does not allow ingress from {\"podSelector\":{\"matchLabels\":{\"dapr.io/app-id\":\"loader\"}}} 50002/TCP" },
        { "charts/daprorders/templates/networkpolicies.yaml", "      ports:\n        - port: 50002\n          protocol: TCP\n    {{- if and", "      ports:\n        - port: 3500\n          protocol: TCP\n    {{- if and", "3500/TCP, which is not a flow of inventory" },
        { "charts/daprorders/templates/networkpolicies.yaml", "{{- if has $name $mailApps }}", "{{- if true }}", "NetworkPolicy/fraud (networkpolicies.yaml): allows egress to any 587/TCP, which is not a flow of fraud" },
        { "charts/daprorders/templates/networkpolicies.yaml", "list \"orders\" \"fraud\" \"inventory\" \"email\"", "list \"orders\" \"fraud\" \"inventory\"", "NetworkPolicy/email (networkpolicies.yaml): does not allow egress to" },
        { "charts/daprorders/templates/networkpolicies.yaml", "        - port: 6500\n          protocol: TCP\n", "", "NetworkPolicy/grid (networkpolicies.yaml): does not allow egress to {\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"dapr-system\"}}} 6500/TCP" },
        { "charts/daprorders/templates/networkpolicies.yaml", "    - Ingress\n    - Egress\n", "    - Ingress\n", "policyTypes must be Ingress and Egress" },
        { "charts/daprorders/templates/networkpolicies.yaml", "  policyTypes:\n", "  policyType:\n", "spec.policyType: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/values.yaml", "        kubernetes.io/metadata.name: ingress-nginx\n", "        kubernetes.io/metadata.name: ingress-nginx\n      matchLabel: {}\n", "NoAdditionalPropertiesAllowed" },
        // Schemas, one family each: an unknown field, a missing required field or a wrong type in real helm output.
        { "charts/daprorders/templates/deployments.yaml", "          imagePullPolicy:", "          imagePullPolicyy:", "imagePullPolicyy: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/templates/deployments.yaml", "              containerPort: {{ $svc.port }}\n", "", "containerPort: PropertyRequired" },
        { "charts/daprorders/templates/services.yaml", "      port: {{ $svc.port }}\n", "      port: {{ $svc.port | quote }}\n", "spec.ports[0].port: IntegerExpected" },
        { "charts/daprorders/templates/ingress.yaml", "            pathType: Prefix\n", "            pathKind: Prefix\n", "pathKind: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/templates/poddisruptionbudgets.yaml", "  minAvailable:", "  minAvaliable:", "spec.minAvaliable: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/templates/horizontalpodautoscalers.yaml", "{{ $svc.autoscaling.targetCPUUtilizationPercentage }}", "{{ $svc.autoscaling.targetCPUUtilizationPercentage | quote }}", "averageUtilization: IntegerExpected" },
        { "charts/daprorders/templates/persistentvolumeclaims.yaml", "  accessModes:\n", "  accessMode:\n", "spec.accessMode: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/templates/dapr-components.yaml", "spec:\n  type: state.redis\n", "spec:\n  typ: state.redis\n", "Component/statestore (dapr-components.yaml): spec.type: PropertyRequired" },
        { "charts/daprorders/templates/dapr-configuration.yaml", "isSecure: {{ hasPrefix \"https://\" .Values.otel.endpoint }}", "isSecure: {{ hasPrefix \"https://\" .Values.otel.endpoint | quote }}", "spec.tracing.otel.isSecure: BooleanExpected" },
        { "charts/daprorders/templates/dapr-resiliency.yaml", "        maxRetries: 3\n", "        maxRetrys: 3\n", "maxRetrys: NoAdditionalPropertiesAllowed" },
        { "charts/daprorders/templates/kafka-topics.yaml", "  replicas: {{ $.Values.kafkaTopics.replicas }}", "  replicas: {{ $.Values.kafkaTopics.replicas | quote }}", "KafkaTopic/orders (kafka-topics.yaml): spec.replicas: IntegerExpected" },
        { "charts/daprorders/templates/kafka-topics.yaml", "  topicName: {{ $topic }}\n", "  topicName: {{ $topic }}\n  retention: 7d\n", "spec.retention: NoAdditionalPropertiesAllowed" },
        { "components/kubernetes/configuration.yaml", "samplingRate:", "sampleRate:", "spec.tracing.sampleRate: NoAdditionalPropertiesAllowed" },
        { "components/kubernetes/configuration.yaml", "            httpVerb:", "            httpVerbs:", "httpVerbs: NoAdditionalPropertiesAllowed" },
        { "components/local/resiliency.yaml", "        maxRetries: -1\n", "        maxRetries: \"-1\"\n", "maxRetries: IntegerExpected" },
        // Component metadata against components-contrib's metadata.yaml.
        { "charts/daprorders/templates/dapr-components.yaml", "- name: authType\n", "- name: authtype\n", "metadata 'authtype' is not a field of pubsub.kafka (components-contrib metadata.yaml); did you mean 'authType'?" },
        { "components/kubernetes/statestore.yaml", "    - name: actorStateStore\n", "    - name: consumerGroup\n      value: orders\n    - name: actorStateStore\n", "metadata 'consumerGroup' is not a field of state.redis" },
        { "components/local/pubsub.yaml", "    - name: initialOffset\n      value: \"oldest\"\n", "    - name: initialOffset\n      value: \"earliest\"\n", "metadata 'initialOffset' must be one of newest, oldest, found 'earliest'" },
        { "components/local/pubsub-broadcast.yaml", "    - name: disableTls\n      value: \"true\"\n", "    - name: disableTls\n      value: \"yes\"\n", "metadata 'disableTls' must be \"true\" or \"false\", found 'yes'" },
    };

    [Fact]
    public void An_unchanged_copy_has_no_problems()
    {
        var problems = new DeploymentFiles(new Repo(_root)).AllProblems().ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void A_drifted_name_or_missing_field_is_reported(string file, string original, string replacement, string expected)
    {
        var path = Path.Combine(_root, file);
        var text = File.ReadAllText(path);
        Assert.Contains(original, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(original, replacement, StringComparison.Ordinal));

        var problems = ProblemsOf(new DeploymentFiles(new Repo(_root)));

        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)),
            $"expected a problem containing \"{expected}\", got:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    /// <summary>The checks' problems; a chart helm refuses to render (values.schema.json, a template error) is one.</summary>
    private static List<string> ProblemsOf(DeploymentFiles files)
    {
        try
        {
            return [.. files.AllProblems()];
        }
        catch (HelmRenderException refused)
        {
            return [refused.Message];
        }
    }

    private static bool IsSourceOrBuildFile(string file) =>
        Path.GetExtension(file) is ".cs" or ".csproj" || Path.GetFileName(file) == "Dockerfile";

    private static void CopyFolder(string source, string target, Func<string, bool> include)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Where(include))
        {
            var relative = Path.GetRelativePath(source, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if (parts.Any(p => p is "bin" or "obj" or "out" or "wwwroot" or "node_modules"))
            {
                continue;
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination);
            }
            catch (FileNotFoundException)
            {
                // Deleted since it was listed (a shared working tree): the copy is of what exists.
            }
        }
    }
}
