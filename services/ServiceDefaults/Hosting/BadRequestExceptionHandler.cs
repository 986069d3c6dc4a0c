using System.Text.Json;
using Dapr;
using DaprOrders.ServiceDefaults.Subscriptions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace DaprOrders.ServiceDefaults.Hosting;

/// <summary>
/// Unreadable requests (bad JSON, wrong types, unknown enum names): a 400 problem that says why for API calls;
/// for topic subscriptions, a DROP, because redelivering a message that can never be read is pointless (Dapr
/// would retry a 400). Any other failure is not handled here, so it stays a 500 and Dapr retries it.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails, ILogger<BadRequestExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        var reason = (badRequest.InnerException ?? badRequest).Message;
        // The exception handler middleware has cleared the endpoint by now; the feature keeps the original.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint?.Metadata.GetMetadata<ITopicMetadata>() is { } topic)
        {
            logger.LogWarning("Dropping an unreadable message from {Topic}: {Reason}", topic.Name, reason);
            SubscriptionMetrics.CountDropped(topic.Name);
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            await httpContext.Response.WriteAsJsonAsync(new { status = "DROP" }, cancellationToken);
            return true;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        var problem = new ProblemDetails { Status = badRequest.StatusCode, Title = "The request could not be read." };
        // System.Text.Json wraps a syntax error from its reader in a JsonException of its own; a value that cannot be
        // converted has no such inner JsonException.
        if (badRequest.InnerException is JsonException { InnerException: JsonException } syntax)
        {
            problem.Detail = $"The body is not valid JSON: {syntax.Message}";
        }
        else if (badRequest.InnerException is JsonException { Path: { Length: > 1 } path })
        {
            // The serializer's own message names our internal types; the client needs the field and what is wrong.
            var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
            problem.Detail = $"'{field}' has a value of the wrong type, or a name that is not one of the allowed values.";
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [problem.Detail] };
        }
        else
        {
            problem.Detail = reason;
        }

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = problem,
        });
    }
}
