using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;

namespace DaprOrders.Orders.Tests;

public sealed class ValidationRulesTests
{
    private static readonly Order AnOrder = new("o-1", "c-1", OrderState.Created, Product.Jumpers, 2, 30m);

    private static OrderValidation Check(OrderValidationType type, OrderValidationResult result) => new(AnOrder.Id, type, result);

    private static ValidationProgress RecordAll(params OrderValidation[] validations) =>
        validations.Aggregate(ValidationProgress.Start(AnOrder), ValidationRules.Record);

    [Fact]
    public void No_results_leave_the_order_undecided() =>
        Assert.Null(ValidationRules.Decide([]));

    [Fact]
    public void Two_passes_leave_the_order_undecided() =>
        Assert.Null(ValidationRules.Decide([
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.FraudCheck, OrderValidationResult.Pass)]));

    [Fact]
    public void Three_passes_validate_the_order() =>
        Assert.Equal(OrderState.Validated, ValidationRules.Decide([
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.FraudCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass)]));

    [Theory]
    [InlineData(OrderValidationResult.Fail)]
    [InlineData(OrderValidationResult.Error)]
    public void A_single_fail_or_error_fails_the_order_at_once(OrderValidationResult result) =>
        Assert.Equal(OrderState.Failed, ValidationRules.Decide([Check(OrderValidationType.FraudCheck, result)]));

    [Fact]
    public void A_duplicate_result_of_the_same_check_is_ignored()
    {
        var progress = RecordAll(
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Fail));

        Assert.Single(progress.Results);
        Assert.Null(progress.Verdict);
    }

    [Fact]
    public void Results_after_the_verdict_do_not_change_it()
    {
        var failed = RecordAll(Check(OrderValidationType.FraudCheck, OrderValidationResult.Fail));

        var after = RecordAll(
            Check(OrderValidationType.FraudCheck, OrderValidationResult.Fail),
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass));

        Assert.Equal(OrderState.Failed, after.Verdict);
        Assert.Equal(failed.Results, after.Results);
    }

    [Fact]
    public void The_deadline_fails_an_undecided_order()
    {
        var progress = RecordAll(Check(OrderValidationType.FraudCheck, OrderValidationResult.Pass));

        Assert.Equal(OrderState.Failed, ValidationRules.AtDeadline(progress).Verdict);
    }

    [Fact]
    public void The_deadline_keeps_a_verdict_already_reached()
    {
        var validated = RecordAll(
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.FraudCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Pass));

        Assert.Equal(OrderState.Validated, ValidationRules.AtDeadline(validated).Verdict);
    }

    [Fact]
    public void The_same_order_again_is_already_accepted() =>
        Assert.Equal(SubmitOutcome.AlreadyAccepted, ValidationRules.CompareResubmission(AnOrder, AnOrder with { }));

    [Fact]
    public void The_same_id_with_another_quantity_is_a_conflict() =>
        Assert.Equal(SubmitOutcome.Conflict, ValidationRules.CompareResubmission(AnOrder, AnOrder with { Quantity = 3 }));

    [Fact]
    public void The_same_id_for_another_customer_is_a_conflict() =>
        Assert.Equal(SubmitOutcome.Conflict, ValidationRules.CompareResubmission(AnOrder, AnOrder with { CustomerId = "c-2" }));
}
