using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Grpc;
using ECommerce.Shipping.Quotes;
using ECommerce.Shipping.Shipments;
using ECommerce.Testing;
using Microsoft.Extensions.Configuration;
using State = ECommerce.Shipping.Shipments.ShipmentState;

namespace ECommerce.Shipping.Tests;

/// <summary>The pure rules: the rate table in appsettings.json, delivery dates, addresses and the shipment's state machine, without a server.</summary>
public sealed class RuleTests
{
    private static readonly RateTable Table = LoadTable();

    // Wednesday 2 December 2026.
    private static readonly DateTimeOffset WednesdayMorning = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, "domestic", 4.90)]
    [InlineData(1000, "domestic", 4.90)]
    [InlineData(1001, "domestic", 5.90)]
    [InlineData(31_500, "domestic", 22.90)]
    [InlineData(4999, "eu-far", 20.90)]
    [InlineData(10_000, "world", 64.90)]
    public void The_standard_price_is_the_zones_price_for_the_first_bracket_the_weight_fits(long grams, string zone, decimal price)
    {
        var priced = QuoteRules.Price(Table, zone, grams, WednesdayMorning, TimeSpan.FromHours(14));

        Assert.Equal(price, priced.Single(option => option.Option == ShippingOption.Standard).Price);
    }

    [Fact]
    public void A_parcel_heavier_than_the_last_bracket_gets_no_price()
    {
        Assert.Empty(QuoteRules.Price(Table, "domestic", 31_501, WednesdayMorning, TimeSpan.FromHours(14)));
    }

    [Fact]
    public void Countries_map_to_one_zone_each_and_unserved_countries_to_none()
    {
        Assert.Equal(("domestic", "eu-near", "europe", "world", null), (Table.ZoneOf("DE"), Table.ZoneOf("FR"), Table.ZoneOf("GB"), Table.ZoneOf("US"), Table.ZoneOf("BR")));
    }

    [Theory]
    // Before the cut-off on a Wednesday: leaves today; 2 business days → Friday.
    [InlineData("2026-12-02T09:00:00Z", 2, "2026-12-04")]
    // After the cut-off: leaves Thursday → Monday.
    [InlineData("2026-12-02T15:00:00Z", 2, "2026-12-07")]
    // Friday after the cut-off: leaves Monday; 1 business day → Tuesday.
    [InlineData("2026-12-04T16:00:00Z", 1, "2026-12-08")]
    // Saturday: leaves Monday; 10 business days → Monday two weeks on.
    [InlineData("2026-12-05T08:00:00Z", 10, "2026-12-21")]
    public void Delivery_is_estimated_in_business_days_from_the_dispatch_day(string now, int transitDays, string expected)
    {
        var dispatch = QuoteRules.DispatchDay(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(14));

        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), QuoteRules.AddBusinessDays(dispatch, transitDays));
    }

    [Fact]
    public void Items_are_merged_by_sku_and_weighed_with_the_default_where_the_catalog_has_no_weight()
    {
        var items = QuoteRules.Normalize([new() { Sku = "B", Quantity = 1 }, new() { Sku = "A", Quantity = 2 }, new() { Sku = "B", Quantity = 3 }]);

        Assert.Equal([("A", 2L), ("B", 4L)], items.Select(item => (item.Sku, item.Quantity)));
        Assert.Equal(2 * 250 + 4 * 500, QuoteRules.Weight(items, new Dictionary<string, long> { ["A"] = 250, ["B"] = 0 }, 500));
    }

    [Fact]
    public void A_rate_table_that_cannot_price_fails_at_start()
    {
        var broken = new RateTable
        {
            Currency = "euro",
            WeightBracketsGrams = [1000, 500],
            Zones =
            {
                ["a"] = new ZoneRates { Countries = ["DE"], Options = { ["standard"] = new OptionRates { Prices = [1m] } } },
                ["b"] = new ZoneRates { Countries = ["DE", "ZZ"], Options = { ["teleport"] = new OptionRates { Prices = [1m, 2m] } } },
            },
        };

        var error = Assert.Throws<InvalidOperationException>(broken.Validate);

        Assert.All(["Currency", "ascending", "DE is in more than one zone", "ZZ", "teleport", "one price"], part => Assert.Contains(part, error.Message));
    }

    [Fact]
    public async Task Address_violations_name_each_field()
    {
        var violations = new FieldViolations();

        AddressRules.Check(new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "ABC", CountryCode = "CH" }, Table, violations);

        await GrpcAssert.InvalidArgumentNamingAsync(() => Task.FromException(violations.ToException()), ["address.postal_code"]);
    }

    [Theory]
    [InlineData(State.Pending, State.LabelCreated, true)]
    [InlineData(State.LabelCreated, State.PickedUp, true)]
    [InlineData(State.LabelCreated, State.Delivered, true)]
    [InlineData(State.InTransit, State.PickedUp, false)]
    [InlineData(State.Delivered, State.InTransit, false)]
    [InlineData(State.LabelCreated, State.Cancelled, true)]
    [InlineData(State.PickedUp, State.Cancelled, false)]
    [InlineData(State.Cancelled, State.PickedUp, false)]
    [InlineData(State.InTransit, State.Exception, true)]
    [InlineData(State.Exception, State.OutForDelivery, true)]
    [InlineData(State.Exception, State.ReturnedToSender, true)]
    [InlineData(State.ReturnedToSender, State.Delivered, false)]
    [InlineData(State.PickedUp, "teleported", false)]
    public void The_state_machine_moves_only_forward_and_cancels_only_before_pickup(string from, string to, bool allowed)
    {
        Assert.Equal(allowed, ShipmentRules.CanMove(from, to));
    }

    [Fact]
    public void A_return_is_possible_only_for_a_delivered_shipment_within_the_window()
    {
        var delivered = WednesdayMorning;
        var window = TimeSpan.FromDays(30);

        Assert.True(ShipmentRules.CanReturn(State.Delivered, delivered, delivered.AddDays(30), window));
        Assert.False(ShipmentRules.CanReturn(State.Delivered, delivered, delivered.AddDays(30).AddSeconds(1), window));
        Assert.False(ShipmentRules.CanReturn(State.InTransit, null, delivered, window));
        Assert.True(ShipmentRules.CanMoveReturn(null, State.ReturnLabelIssued));
        Assert.False(ShipmentRules.CanMoveReturn(State.ReturnReceived, State.ReturnInTransit));
    }

    private static RateTable LoadTable()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot.Path, "services", "Shipping", "appsettings.json"))
            .Build();
        var options = configuration.GetSection("Shipping").Get<ShippingOptions>()!;
        options.Rates.Validate();
        return options.Rates;
    }
}
