using System.Text.Json;

namespace DaprOrders.Contracts.Tests;

/// <summary>
/// Golden JSON of every record and enum value of the contracts, as they travel on the topics and rest in the state
/// store: renaming a field or an enum value breaks every service that reads the old name, so it fails here first.
/// </summary>
public sealed class ContractsJsonTests
{
    private static readonly Order Order = new("o-1", "c-1", OrderState.Created, Product.Jumpers, 2, 10.5m);
    private static readonly Payment Payment = new("p-1", "o-1", "CZK", 10.5m);
    private static readonly Customer Customer = new("c-1", "Ada", "Lovelace", "ada@example.com", "1 Main St", "gold");

    private const string OrderJson = """{"id":"o-1","customerId":"c-1","state":"CREATED","product":"JUMPERS","quantity":2,"price":10.5}""";
    private const string PaymentJson = """{"id":"p-1","orderId":"o-1","ccy":"CZK","amount":10.5}""";
    private const string CustomerJson = """{"id":"c-1","firstName":"Ada","lastName":"Lovelace","email":"ada@example.com","address":"1 Main St","level":"gold"}""";

    public static TheoryData<object, string> Records => new()
    {
        { Order, OrderJson },
        { new OrderValidation("o-1", OrderValidationType.FraudCheck, OrderValidationResult.Pass), """{"orderId":"o-1","checkType":"FRAUD_CHECK","result":"PASS"}""" },
        { Payment, PaymentJson },
        { Customer, CustomerJson },
        { new StockLevel(Product.Stockings, 7), """{"product":"STOCKINGS","quantity":7}""" },
        { new EnrichedOrder(Order, Payment, Customer), $$"""{"order":{{OrderJson}},"payment":{{PaymentJson}},"customer":{{CustomerJson}}}""" },
    };

    // Every value of every enum: a value added without a name here fails Every_enum_value_is_pinned.
    public static TheoryData<Enum, string> EnumValues => new()
    {
        { OrderState.Created, "CREATED" },
        { OrderState.Validated, "VALIDATED" },
        { OrderState.Failed, "FAILED" },
        { OrderState.Shipped, "SHIPPED" },
        { Product.Jumpers, "JUMPERS" },
        { Product.Underpants, "UNDERPANTS" },
        { Product.Stockings, "STOCKINGS" },
        { OrderValidationType.InventoryCheck, "INVENTORY_CHECK" },
        { OrderValidationType.FraudCheck, "FRAUD_CHECK" },
        { OrderValidationType.OrderDetailsCheck, "ORDER_DETAILS_CHECK" },
        { OrderValidationResult.Pass, "PASS" },
        { OrderValidationResult.Fail, "FAIL" },
        { OrderValidationResult.Error, "ERROR" },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_is_written_as_its_golden_json(object record, string json) =>
        Assert.Equal(json, JsonSerializer.Serialize(record, record.GetType(), ContractsJson.Options));

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_is_read_back_from_its_golden_json(object record, string json) =>
        Assert.Equal(record, JsonSerializer.Deserialize(json, record.GetType(), ContractsJson.Options));

    [Theory]
    [MemberData(nameof(EnumValues))]
    public void An_enum_value_travels_under_its_golden_name(Enum value, string name)
    {
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(value, value.GetType(), ContractsJson.Options));
        Assert.Equal(value, JsonSerializer.Deserialize($"\"{name}\"", value.GetType(), ContractsJson.Options));
    }

    [Fact]
    public void Every_record_of_the_contracts_is_pinned()
    {
        var pinned = Records.Select(row => row.Data.Item1.GetType().Name).Order(StringComparer.Ordinal);

        // Records are the classes the compiler gives a clone method.
        var records = typeof(Order).Assembly.GetExportedTypes()
            .Where(type => type.IsClass && type.GetMethod("<Clone>$") is not null)
            .Select(type => type.Name)
            .Order(StringComparer.Ordinal);

        Assert.Equal(records, pinned);
    }

    [Fact]
    public void Every_enum_value_is_pinned()
    {
        var pinned = EnumValues.Select(row => $"{row.Data.Item1.GetType().Name}.{row.Data.Item1}").Order(StringComparer.Ordinal);

        var values = typeof(Order).Assembly.GetExportedTypes()
            .Where(type => type.IsEnum)
            .SelectMany(type => Enum.GetValues(type).Cast<Enum>().Select(value => $"{type.Name}.{value}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(values, pinned);
    }
}
