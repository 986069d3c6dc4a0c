namespace DaprOrders.Orders.Validation;

/// <summary>What became of a submitted order.</summary>
public enum SubmitOutcome
{
    /// <summary>New: recorded, validation started, CREATED published.</summary>
    Accepted,
    /// <summary>The same order was accepted before: nothing new happens.</summary>
    AlreadyAccepted,
    /// <summary>Another order with this id was accepted before.</summary>
    Conflict,
}
