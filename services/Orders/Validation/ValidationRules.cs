using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>The validation rules, as pure functions: what a re-POST means, and when the results decide an order.</summary>
public static class ValidationRules
{
    /// <summary>The checks every order must pass.</summary>
    public static IReadOnlyList<OrderValidationType> RequiredChecks { get; } = Enum.GetValues<OrderValidationType>();

    /// <summary>Same order again (idempotent) or a different one under a used id.</summary>
    public static AcceptOutcome CompareResubmission(Order accepted, Order submitted) =>
        accepted == submitted with { State = accepted.State } ? AcceptOutcome.AlreadyAccepted : AcceptOutcome.Conflict;

    /// <summary>FAILED at the first FAIL or ERROR; VALIDATED when every check passed; otherwise undecided.</summary>
    public static OrderState? Decide(IReadOnlyCollection<OrderValidation> results)
    {
        if (results.Any(r => r.Result is OrderValidationResult.Fail or OrderValidationResult.Error))
        {
            return OrderState.Failed;
        }

        var passed = results.Where(r => r.Result == OrderValidationResult.Pass).Select(r => r.CheckType).ToHashSet();
        return RequiredChecks.All(passed.Contains) ? OrderState.Validated : null;
    }

    /// <summary>The reason of a verdict that passed every check.</summary>
    public const string PassedReason = "passed";

    /// <summary>The reason of a verdict the deadline decided.</summary>
    public const string DeadlineReason = "deadline";

    /// <summary>
    /// Why the results decided as they did, for metrics and the verdict's log line: <see cref="PassedReason"/>, or
    /// the first failed check as a lower-case name (`fraud_check`, `inventory_check`, `order_details_check`).
    /// </summary>
    public static string ReasonFor(IEnumerable<OrderValidation> results) =>
        results.FirstOrDefault(r => r.Result is OrderValidationResult.Fail or OrderValidationResult.Error) is { } failed
            ? WireNames.Of(failed.CheckType).ToLowerInvariant()
            : PassedReason;

    /// <summary>
    /// The workflow's external event for one check's result: its wire name (INVENTORY_CHECK, ...). One name per check,
    /// so the workflow waits for each check once and a duplicate result stays unread in the event buffer.
    /// </summary>
    public static string EventName(OrderValidationType check) => WireNames.Of(check);
}
