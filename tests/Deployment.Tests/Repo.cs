namespace DaprOrders.Deployment.Tests;

/// <summary>Paths in a checkout (the real one, or a mutated copy made by a test).</summary>
public sealed record Repo(string Root)
{
    /// <summary>The checkout this test assembly was built from: the folder above it that holds DaprOrders.sln.</summary>
    public static Repo Current { get; } = new(FindRoot());

    public string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public string Chart => Path("charts", "daprorders");

    public string LocalComponents => Path("components", "local");

    public string KubernetesComponents => Path("components", "kubernetes");

    public string DevValues => Path("tilt", "values-dev.yaml");

    public string ProductionValues => Path("charts", "daprorders", "values-production.yaml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DaprOrders.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DaprOrders.sln not found above " + AppContext.BaseDirectory);
    }
}
