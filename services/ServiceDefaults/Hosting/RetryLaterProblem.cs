using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprOrders.ServiceDefaults.Hosting;

/// <summary>
/// A refusal the client should retry: 429 or 503 problem details with <c>Retry-After</c> in whole seconds (at least
/// one; RFC 9110 §10.2.3 has no fractions). Nothing was done, so retrying the same request is always safe.
/// </summary>
public sealed class RetryLaterProblem : IResult, IStatusCodeHttpResult
{
    private RetryLaterProblem(int statusCode, string title, string detail, TimeSpan retryAfter)
    {
        StatusCode = statusCode;
        RetryAfterSeconds = WholeSeconds(retryAfter);
        Problem = TypedResults.Problem(statusCode: statusCode, title: title, detail: detail);
    }

    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <summary>The <c>Retry-After</c> header's value.</summary>
    public int RetryAfterSeconds { get; }

    /// <summary>The problem details written as the body.</summary>
    public ProblemHttpResult Problem { get; }

    /// <summary>429: this caller has sent too much.</summary>
    public static RetryLaterProblem TooManyRequests(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status429TooManyRequests, "Too many requests.", detail, retryAfter);

    /// <summary>503: the service as a whole is at capacity, whoever asks.</summary>
    public static RetryLaterProblem ServiceBusy(string detail, TimeSpan retryAfter) =>
        new(StatusCodes.Status503ServiceUnavailable, "The service is busy.", detail, retryAfter);

    /// <summary>What <c>Retry-After</c> says for <paramref name="retryAfter"/>: whole seconds, rounded up, at least one.</summary>
    public static int WholeSeconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return Problem.ExecuteAsync(httpContext);
    }
}
