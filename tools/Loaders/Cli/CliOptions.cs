using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DaprOrders.Contracts;
using static System.FormattableString;

namespace DaprOrders.Loaders.Cli;

/// <summary>
/// Options several commands share, each with its validation, so every command reports bad input the same way.
/// </summary>
internal static class CliOptions
{
    /// <summary>
    /// `--dapr-url`: the loader's sidecar. Default http://localhost:${DAPR_HTTP_PORT:-3500}, as `dapr run` sets it.
    /// </summary>
    public static Option<Uri> DaprUrl(LoaderContext context) => Url(
        "--dapr-url",
        "HTTP endpoint of the Dapr sidecar with app id 'loader' (local run: the loader entry of dapr.yaml; cluster: " +
        "a port-forward to a loader sidecar). Default: http://localhost:${DAPR_HTTP_PORT:-3500}.",
        () => $"http://localhost:{(context.Environment("DAPR_HTTP_PORT") is { Length: > 0 } port ? port : "3500")}");

    /// <summary>
    /// `--api-url`: the orders service's REST API.
    /// </summary>
    public static Option<Uri> ApiUrl() => Url(
        "--api-url",
        "Base URL of the orders REST API (local run: the orders app port; cluster: a port-forward to the orders service).",
        () => "http://localhost:6001");

    public static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var value and <= 0)
            {
                result.AddError(Invariant($"{name} must be a positive number, not {value}."));
            }
        });
        return option;
    }

    /// <summary>
    /// Required when it has no default.
    /// </summary>
    public static Option<int> NotNegative(string name, string description, int? defaultValue = null)
    {
        var option = new Option<int>(name) { Description = description, Required = defaultValue is null };
        if (defaultValue is { } value)
        {
            option.DefaultValueFactory = _ => value;
        }

        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var value and < 0)
            {
                result.AddError(Invariant($"{name} must not be negative, not {value}."));
            }
        });
        return option;
    }

    public static Option<int> ProgressInterval() =>
        NotNegative("--progress-interval", "Seconds between progress lines on stderr (0: none).", defaultValue: 5);

    /// <summary>
    /// `--rate`: per second, written `10` or `10/s`; positive and finite.
    /// </summary>
    public static Option<double> Rate(double defaultValue) => new("--rate")
    {
        Description = Invariant($"Orders per second, e.g. 10 or 2.5/s (default {defaultValue}/s)."),
        HelpName = "per-second",
        // Without the option the custom parser is not called: the default needs a factory of its own.
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return defaultValue;
            }

            var text = result.Tokens[0].Value;
            if (TryParseRate(text, out var rate))
            {
                return rate;
            }

            result.AddError(RateError(text));
            return 0;
        },
    };

    /// <summary>
    /// `--rate` with one or more rates, comma-separated or repeated (`--rate 50,100/s`); none when not given.
    /// </summary>
    public static Option<double[]> Rates(string description) => new("--rate")
    {
        Description = description,
        HelpName = "per-second[,...]",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [],
        CustomParser = result => ParseList<double>(result, text => TryParseRate(text, out var rate) ? rate : null, RateError),
    };

    /// <summary>
    /// A list of positive whole numbers, comma-separated or repeated (`--in-flight 1,8,64`); none when not given.
    /// </summary>
    public static Option<int[]> PositiveList(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "n[,...]",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [],
        CustomParser = result => ParseList(
            result,
            text => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : (int?)null,
            text => $"{name} must be positive whole numbers separated by commas (e.g. 1,8,64), not '{text}'."),
    };

    private static T[] ParseList<T>(ArgumentResult result, Func<string, T?> parse, Func<string, string> error)
        where T : struct
    {
        var values = new List<T>();
        foreach (var text in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.TrimEntries)))
        {
            if (parse(text) is { } value)
            {
                values.Add(value);
            }
            else
            {
                result.AddError(error(text));
                return [];
            }
        }

        return [.. values];
    }

    /// <summary>
    /// A rate per second written `10` or `10/s`: positive and finite.
    /// </summary>
    private static bool TryParseRate(string text, out double rate)
    {
        var number = text.EndsWith("/s", StringComparison.OrdinalIgnoreCase) ? text[..^2] : text;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && double.IsFinite(rate) && rate > 0;
    }

    private static string RateError(string text) =>
        $"--rate must be a positive number of orders per second (e.g. 10 or 2.5/s), not '{text}'.";

    public static Option<Product?> Product(bool required) => new("--product")
    {
        Description = $"Product: {string.Join(", ", WireNames.All<Product>())}.",
        Required = required,
        HelpName = "product",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (WireNames.TryParse<Product>(text, out var product))
            {
                return product;
            }

            result.AddError($"Unknown product '{text}'; use one of {string.Join(", ", WireNames.All<Product>())}.");
            return null;
        },
    };

    private static Option<Uri> Url(string name, string description, Func<string> defaultUrl) => new(name)
    {
        Description = description,
        HelpName = "url",
        // The parser also runs for the default, so a bad DAPR_HTTP_PORT is reported like a bad --dapr-url.
        DefaultValueFactory = result => ParseUrl(result, name, defaultUrl(), fromDefault: true),
        CustomParser = result => result.Tokens.Count > 0
            ? ParseUrl(result, name, result.Tokens[0].Value, fromDefault: false)
            : ParseUrl(result, name, defaultUrl(), fromDefault: true),
    };

    private static Uri ParseUrl(ArgumentResult result, string name, string text, bool fromDefault)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0)
        {
            return url;
        }

        var origin = fromDefault ? $"its default (from the environment) is '{text}'" : $"not '{text}'";
        result.AddError($"{name} must be an absolute http(s) URL such as http://localhost:3500; {origin}.");
        return new Uri("http://invalid");
    }
}
