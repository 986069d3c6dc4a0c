namespace DaprOrders.Orders.Validation;

/// <summary>What became of a posted order.</summary>
public enum AcceptOutcome
{
    /// <summary>New: recorded and its validation workflow scheduled.</summary>
    Accepted,
    /// <summary>The same order was accepted before: nothing new happens.</summary>
    AlreadyAccepted,
    /// <summary>Another order with this id was accepted before.</summary>
    Conflict,
    /// <summary>New, but too many orders are waiting for a verdict: nothing was recorded; the client may retry.</summary>
    Busy,
}
