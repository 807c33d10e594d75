using ECommerce.Catalog.Inventory;
using ECommerce.Catalog.Products;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Grpc;
using Grpc.Core;

namespace ECommerce.Catalog.Tests;

public sealed class StockRuleTests
{
    [Fact]
    public void Order_lines_are_merged_per_sku_and_sorted_so_every_reservation_locks_rows_in_one_order()
    {
        var lines = StockRules.Normalize([
            new StockLine { Sku = "B-2", Quantity = 1 },
            new StockLine { Sku = "A-1", Quantity = 2 },
            new StockLine { Sku = "B-2", Quantity = 3 },
        ]);

        Assert.Equal([("A-1", 2L), ("B-2", 4L)], lines.Select(line => (line.Sku, line.Quantity)));
    }

    [Theory]
    [InlineData(10, 6, 5, false)]
    [InlineData(6, 5, 5, true)]
    [InlineData(10, 0, 5, true)]
    [InlineData(5, 4, 5, false)] // already low: announced once, when it fell
    [InlineData(3, 8, 5, false)]
    public void Low_stock_is_announced_once_when_available_falls_to_the_threshold(long before, long after, long threshold, bool announced) =>
        Assert.Equal(announced, StockRules.FellToLow(before, after, threshold));

    [Fact]
    public void Zero_negative_and_huge_quantities_are_refused_line_by_line()
    {
        var violations = new FieldViolations();

        StockRules.CheckLines([new StockLine { Sku = "A", Quantity = 0 }, new StockLine { Sku = "", Quantity = -1 }, new StockLine { Sku = "C", Quantity = 2_000_000 }], violations);

        var fields = violations.ToException().GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["lines[0].quantity", "lines[1].sku", "lines[1].quantity", "lines[2].quantity"], fields);
    }

    [Fact]
    public void A_product_without_variants_gets_one_per_combination_of_option_values()
    {
        var product = new Product
        {
            ProductId = Guid.NewGuid().ToString(),
            BasePrice = CatalogTestEnvironment.Euros(10),
            Options = { new ProductOption { Name = "size", Values = { "S", "M" } }, new ProductOption { Name = "colour", Values = { "red", "blue", "green" } } },
        };
        var violations = new FieldViolations();

        var variants = ProductRules.VariantsForNewProduct(product, violations);

        Assert.True(violations.IsEmpty);
        Assert.Equal(6, variants.Count);
        Assert.Equal(6, variants.Select(variant => variant.Sku).Distinct().Count());
        Assert.Equal(6, variants.Select(variant => $"{variant.Options["size"]}/{variant.Options["colour"]}").Distinct().Count());
        Assert.All(variants, variant => Assert.Equal(product.BasePrice, variant.Price));
    }

    [Fact]
    public void Two_variants_with_the_same_combination_or_a_value_not_offered_are_refused()
    {
        var product = new Product
        {
            ProductId = Guid.NewGuid().ToString(),
            BasePrice = CatalogTestEnvironment.Euros(10),
            Options = { new ProductOption { Name = "size", Values = { "S", "M" } } },
            Variants =
            {
                new Variant { Options = { ["size"] = "S" } },
                new Variant { Options = { ["size"] = "S" } },
                new Variant { Options = { ["size"] = "XXL" } },
            },
        };
        var violations = new FieldViolations();

        ProductRules.VariantsForNewProduct(product, violations);

        var fields = violations.ToException().GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Select(v => v.Field);
        Assert.Equal(["product.variants[1].options", "product.variants[2].options"], fields);
    }
}
