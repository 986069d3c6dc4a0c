using DaprOrders.Contracts;

namespace DaprOrders.Orders.Validation;

/// <summary>The validation rules, as pure functions over <see cref="ValidationProgress"/>.</summary>
public static class ValidationRules
{
    /// <summary>The checks every order must pass.</summary>
    public static IReadOnlyList<OrderValidationType> RequiredChecks { get; } = Enum.GetValues<OrderValidationType>();

    /// <summary>Same order again (idempotent) or a different one under a used id.</summary>
    public static SubmitOutcome CompareResubmission(Order accepted, Order submitted) =>
        accepted == submitted with { State = accepted.State } ? SubmitOutcome.AlreadyAccepted : SubmitOutcome.Conflict;

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

    /// <summary>
    /// Adds a result: ignored when the verdict is in or this check already reported (redelivery, replays);
    /// otherwise kept, and the verdict decided if it can be.
    /// </summary>
    public static ValidationProgress Record(ValidationProgress progress, OrderValidation validation)
    {
        if (progress.Verdict is not null || progress.Results.Any(r => r.CheckType == validation.CheckType))
        {
            return progress;
        }

        IReadOnlyList<OrderValidation> results = [.. progress.Results, validation];
        return progress with { Results = results, Verdict = Decide(results) };
    }

    /// <summary>At the deadline an undecided order fails; a decided one keeps its verdict.</summary>
    public static ValidationProgress AtDeadline(ValidationProgress progress) =>
        progress.Verdict is null ? progress with { Verdict = OrderState.Failed } : progress;
}
