using Dapr.Workflow;
using DaprOrders.Contracts;
using Grpc.Core;

namespace DaprOrders.Orders.Validation;

/// <summary>Hands each check's result to its order's <see cref="OrderValidationWorkflow"/> as an external event.</summary>
internal sealed class ValidationResults(DaprWorkflowClient workflows, ILogger<ValidationResults> logger)
{
    /// <summary>
    /// Raises the result; false when the order has no workflow (an unknown order, or a decided one whose workflow state
    /// was purged). A workflow that has finished, or has this check's result already, leaves the event unread.
    /// </summary>
    public async Task<bool> RaiseAsync(OrderValidation validation, CancellationToken cancellationToken)
    {
        try
        {
            await workflows.RaiseEventAsync(validation.OrderId, ValidationRules.EventName(validation.CheckType), validation, cancellationToken);
            return true;
        }
        catch (RpcException exception) when (WorkflowErrors.IsNoSuchInstance(exception))
        {
            // Redelivering would meet the same answer: acknowledge, never retry.
            logger.LogWarning("Ignoring {CheckType} {Result} for order {OrderId}: it has no validation workflow",
                validation.CheckType, validation.Result, validation.OrderId);
            return false;
        }
    }
}
