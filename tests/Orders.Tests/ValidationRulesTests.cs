using DaprOrders.Contracts;
using DaprOrders.Orders.Validation;

namespace DaprOrders.Orders.Tests;

public sealed class ValidationRulesTests
{
    private static readonly Order AnOrder = new("o-1", "c-1", OrderState.Created, Product.Jumpers, 2, 30m);

    private static OrderValidation Check(OrderValidationType type, OrderValidationResult result) => new(AnOrder.Id, type, result);

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
    public void A_fail_decides_even_with_every_other_check_passed() =>
        Assert.Equal(OrderState.Failed, ValidationRules.Decide([
            Check(OrderValidationType.InventoryCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.FraudCheck, OrderValidationResult.Pass),
            Check(OrderValidationType.OrderDetailsCheck, OrderValidationResult.Fail)]));

    [Fact]
    public void Each_check_has_its_own_event_named_by_its_wire_name() =>
        Assert.Equal(["INVENTORY_CHECK", "FRAUD_CHECK", "ORDER_DETAILS_CHECK"], ValidationRules.RequiredChecks.Select(ValidationRules.EventName));

    [Fact]
    public void The_same_order_again_is_already_accepted() =>
        Assert.Equal(AcceptOutcome.AlreadyAccepted, ValidationRules.CompareResubmission(AnOrder, AnOrder with { }));

    [Fact]
    public void The_same_id_with_another_quantity_is_a_conflict() =>
        Assert.Equal(AcceptOutcome.Conflict, ValidationRules.CompareResubmission(AnOrder, AnOrder with { Quantity = 3 }));

    [Fact]
    public void The_same_id_for_another_customer_is_a_conflict() =>
        Assert.Equal(AcceptOutcome.Conflict, ValidationRules.CompareResubmission(AnOrder, AnOrder with { CustomerId = "c-2" }));
}
