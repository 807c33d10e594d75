using ECommerce.Contracts.Events.V1;
using ECommerce.Contracts.Search.V1;

namespace ECommerce.Search.Tests;

/// <summary>
/// Catalog changes reach search through real events, and never out of order. How quickly is measured by
/// the Search benchmark (catalog commit to searchable, p50 and p99), not here: a timed assertion on two
/// shared cores measures the machine.
/// </summary>
public sealed class FreshnessTests(SearchServiceHost search)
{
    private readonly TestCatalog _catalog = new();

    [Fact]
    public async Task A_new_product_is_found_once_the_catalogs_event_arrives()
    {
        var pen = _catalog.Product("Quillfeather Fountain Pen", "Inkwell");

        await search.PublishAsync(new ProductCreated { Product = pen });
        var hits = await search.Client.SearchUntilAsync(_catalog.Search("quillfeather"), response => response.Hits.Count > 0);

        Assert.Equal(pen.ProductId, hits.Hits.Single().ProductId);
    }

    [Fact]
    public async Task A_renamed_product_is_found_by_its_new_name_and_not_by_its_old_one()
    {
        var lamp = _catalog.Product("Brasslight Desk Lamp", "Lumen");
        await search.PublishAndWaitAsync(new ProductCreated { Product = lamp });
        var renamed = lamp.Clone();
        renamed.Name = "Copperglow Desk Lamp";
        renamed.Version = 2;

        await search.PublishAsync(new ProductUpdated { Product = renamed });
        var found = await search.Client.SearchUntilAsync(_catalog.Search("copperglow"), response => response.Hits.Count > 0);

        Assert.Equal(lamp.ProductId, found.Hits.Single().ProductId);
        Assert.Empty((await search.Client.SearchAsync(_catalog.Search("brasslight"))).Hits);
    }

    [Fact]
    public async Task An_older_update_arriving_after_a_newer_one_is_ignored()
    {
        var kettle = _catalog.Product("Steamwhistle Kettle", "Hearth");
        var newer = kettle.Clone();
        newer.Name = "Steamwhistle Kettle Deluxe";
        newer.Version = 3;
        var older = kettle.Clone();
        older.Name = "Steamwhistle Kettle Classic";
        older.Version = 2;

        await search.PublishAndWaitAsync(new ProductCreated { Product = kettle }, new ProductUpdated { Product = newer }, new ProductUpdated { Product = older });

        Assert.Equal("Steamwhistle Kettle Deluxe", (await search.Client.SearchAsync(_catalog.Search("steamwhistle"))).Hits.Single().Name);
    }

    [Fact]
    public async Task A_deleted_product_disappears_and_a_late_older_update_does_not_bring_it_back()
    {
        var mug = _catalog.Product("Glazeworth Coffee Mug", "Hearth", version: 4);
        await search.PublishAndWaitAsync(new ProductCreated { Product = mug });
        var late = mug.Clone();
        late.Version = 4;

        await search.PublishAndWaitAsync(new ProductDeleted { ProductId = mug.ProductId, Version = 5 }, new ProductUpdated { Product = late });

        Assert.Empty((await search.Client.SearchAsync(_catalog.Search("glazeworth"))).Hits);
        Assert.DoesNotContain("Glazeworth Coffee Mug", (await search.Client.SuggestAsync(new SuggestRequest { Prefix = "glazeworth" })).Suggestions);
    }

    [Fact]
    public async Task Stock_news_that_overtakes_its_product_on_the_other_topic_still_counts()
    {
        var kite = _catalog.Product("Skydancer Stunt Kite", "Breeze", available: 0);
        var sku = kite.Variants[0].Sku;
        await search.PublishAndWaitAsync(new InventoryChanged { ProductId = kite.ProductId, Sku = sku, OnHand = 7, Available = 7, Reason = "adjusted" });

        await search.PublishAndWaitAsync(new ProductCreated { Product = kite });

        Assert.True((await search.Client.SearchAsync(_catalog.Search("skydancer"))).Hits.Single().InStock);
    }

    [Fact]
    public async Task Price_and_stock_changes_show_in_hits_filters_and_sort()
    {
        var cheap = _catalog.Product("Tidewater Umbrella Compact", "Drizzle", price: 20m);
        var dear = _catalog.Product("Tidewater Umbrella Golf", "Drizzle", price: 40m);
        await search.PublishAndWaitAsync(new ProductCreated { Product = cheap }, new ProductCreated { Product = dear });

        await search.PublishAndWaitAsync(
            new PriceChanged { ProductId = dear.ProductId, Sku = dear.Variants[0].Sku, OldPrice = TestCatalog.Eur(40m), NewPrice = TestCatalog.Eur(12.5m) },
            new InventoryChanged { ProductId = cheap.ProductId, Sku = cheap.Variants[0].Sku, OnHand = 5, Reserved = 5, Available = 0, Reason = "reserved" });

        var request = _catalog.Search("tidewater");
        request.Sort = SortOrder.PriceAscending;
        var sorted = await search.Client.SearchAsync(request);
        Assert.Equal([dear.ProductId, cheap.ProductId], sorted.Hits.Select(hit => hit.ProductId));
        Assert.Equal(TestCatalog.Eur(12.5m), sorted.Hits[0].Price);
        Assert.False(sorted.Hits[1].InStock);
        request.InStockOnly = true;
        Assert.Equal([dear.ProductId], (await search.Client.SearchAsync(request)).Hits.Select(hit => hit.ProductId));
    }
}
