using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Shipping.V1;
using ECommerce.Testing;
using Google.Rpc;
using Grpc.Core;
using static ECommerce.Shipping.Tests.ShippingTestEnvironment;

namespace ECommerce.Shipping.Tests;

/// <summary>Quotes through the service: priced from the rate table in appsettings.json with the catalog's weights, stored, owned, validated.</summary>
public sealed class QuoteTests(ShippingTestEnvironment shop)
{
    [Theory]
    // 1,200 g + 2 × 300 g = 1,800 g: the ≤ 2,000 g bracket of each zone.
    [InlineData("DE", "10117", new[] { "standard:5.90", "express:11.90", "overnight:22.90" })]
    [InlineData("FR", "75001", new[] { "standard:12.90", "express:24.90", "overnight:46.90" })]
    [InlineData("GB", "SW1A 1AA", new[] { "standard:18.90", "express:36.90" })]
    [InlineData("US", "10001-1234", new[] { "standard:32.90", "express:62.90" })]
    public async Task Each_option_of_the_zone_is_priced_from_the_rate_table_for_the_parcels_weight_cheapest_first(string country, string postalCode, string[] expected)
    {
        var skus = await shop.NewSkusAsync(1200, 300);
        var address = new Address { RecipientName = "Ada", Line1 = "1 Main Street", City = "Town", PostalCode = postalCode, CountryCode = country };

        var quotes = await shop.QuotesAsync(shop.Customer, address, Item(skus[1], 1), Item(skus[0], 1), Item(skus[1], 1));

        Assert.Equal(expected, quotes.Select(quote => $"{quote.Option.ToString().ToLowerInvariant()}:{quote.Price.ToDecimal():0.00}"));
        Assert.All(quotes, quote =>
        {
            Assert.Equal(("EUR", 1800L, shop.CustomerId), (quote.Price.CurrencyCode, quote.WeightGrams, quote.UserId));
            Assert.Equal([(skus[0], 1L), (skus[1], 2L)], quote.Items.Select(item => (item.Sku, item.Quantity)));
            Assert.InRange(quote.ExpiresAt.ToDateTime() - DateTime.UtcNow, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
            Assert.InRange(quote.EstimatedDelivery.ToDateTime().DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);
        });
        Assert.True(quotes[0].EstimatedDelivery.ToDateTime() >= quotes[^1].EstimatedDelivery.ToDateTime());
    }

    [Fact]
    public async Task A_variant_without_a_weight_is_priced_at_the_default_weight_and_heavier_parcels_cost_more()
    {
        var skus = await shop.NewSkusAsync(0, 4000);

        var light = await shop.QuotesAsync(shop.Customer, Berlin(), Item(skus[0], 3));
        var heavy = await shop.QuotesAsync(shop.Customer, Berlin(), Item(skus[0], 3), Item(skus[1], 1));

        Assert.Equal((1500L, 5.90m), (light[0].WeightGrams, light[0].Price.ToDecimal()));
        Assert.Equal((5500L, 10.90m), (heavy[0].WeightGrams, heavy[0].Price.ToDecimal()));
    }

    [Fact]
    public async Task A_quote_is_stored_and_read_back_by_its_owner_and_by_Orders()
    {
        var sku = (await shop.NewSkusAsync(800))[0];
        var quote = (await shop.QuotesAsync(shop.Customer, Berlin(), Item(sku, 1)))[0];

        var byOwner = (await shop.Shipping.GetQuoteAsync(new GetQuoteRequest { QuoteId = quote.QuoteId }, shop.Customer)).Quote;
        var byOrders = (await shop.Shipping.GetQuoteAsync(new GetQuoteRequest { QuoteId = quote.QuoteId }, shop.Orders)).Quote;
        var missing = await Assert.ThrowsAsync<RpcException>(() => shop.Shipping.GetQuoteAsync(new GetQuoteRequest { QuoteId = Guid.NewGuid().ToString() }, shop.Admin).ResponseAsync);

        Assert.Equal(quote, byOwner);
        Assert.Equal(quote, byOrders);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_parcel_heavier_than_the_carrier_takes_is_refused_with_its_weight()
    {
        var sku = (await shop.NewSkusAsync(20_000))[0];

        var error = await Assert.ThrowsAsync<RpcException>(() => shop.QuotesAsync(shop.Customer, Berlin(), Item(sku, 2)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("WEIGHT_OVER_LIMIT", error.GetRpcStatus()!.GetDetail<PreconditionFailure>().Violations.Single().Type);
        Assert.Contains("40,000 g", error.Status.Detail);
    }

    [Fact]
    public async Task Items_the_catalog_does_not_sell_are_named_by_their_place_in_the_request()
    {
        var sku = (await shop.NewSkusAsync(100))[0];

        await GrpcAssert.InvalidArgumentNamingAsync(() => shop.QuotesAsync(shop.Customer, Berlin(), Item(sku, 1), Item("NEVER-SOLD-1", 1), Item("NEVER-SOLD-2", 2)),
            ["items[1].sku", "items[2].sku"]);
    }

    public static TheoryData<string, Address, string[]> BadAddresses => new()
    {
        { "no country", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "10117" }, ["address.country_code"] },
        { "not ISO 3166-1", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "10117", CountryCode = "XX" }, ["address.country_code"] },
        { "lower case", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "10117", CountryCode = "de" }, ["address.country_code"] },
        { "not served", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "01000-000", CountryCode = "BR" }, ["address.country_code"] },
        { "German postal code of four digits", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "1011", CountryCode = "DE" }, ["address.postal_code"] },
        { "Dutch postal code without letters", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "1012", CountryCode = "NL" }, ["address.postal_code"] },
        { "British postal code made up", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "12345", CountryCode = "GB" }, ["address.postal_code"] },
        { "no name, street or city", new Address { PostalCode = "10117", CountryCode = "DE" }, ["address.recipient_name", "address.line1", "address.city"] },
        { "a phone with letters", new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "10117", CountryCode = "DE", Phone = "call me" }, ["address.phone"] },
    };

    [Theory]
    [MemberData(nameof(BadAddresses))]
    public async Task A_bad_address_is_refused_naming_the_field(string why, Address address, string[] fields)
    {
        Assert.NotEmpty(why);

        await GrpcAssert.InvalidArgumentNamingAsync(() => shop.QuotesAsync(shop.Customer, address, Item("ANY-SKU", 1)), fields);
    }

    [Fact]
    public async Task An_unserved_country_is_named_with_the_countries_served()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => shop.QuotesAsync(shop.Customer,
            new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = "01000-000", CountryCode = "BR" }, Item("ANY-SKU", 1)));

        Assert.Contains("not a country we ship to", error.Status.Detail);
        Assert.Contains("DE", error.Status.Detail);
    }

    [Fact]
    public async Task Valid_postal_codes_of_served_countries_are_accepted_in_their_usual_spellings()
    {
        var sku = (await shop.NewSkusAsync(100))[0];
        (string Country, string PostalCode)[] addresses = [("NL", "1012 ab"), ("NL", "1012AB"), ("PL", "00-001"), ("SE", "111 22"), ("CA", "K1A 0B1"), ("IE", "D02 X285"), ("JP", "100-0001")];

        foreach (var (country, postalCode) in addresses)
        {
            var quotes = await shop.QuotesAsync(shop.Customer, new Address { RecipientName = "A", Line1 = "L", City = "C", PostalCode = postalCode, CountryCode = country }, Item(sku, 1));
            Assert.Equal(postalCode.ToUpperInvariant(), quotes[0].Address.PostalCode);
        }
    }
}
