using System.Runtime.CompilerServices;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;

namespace ECommerce.Search.Indexing;

/// <summary>The whole catalog, read from the Catalog service page by page, as the snapshots its events carry.</summary>
internal sealed class CatalogSnapshots(CatalogService.CatalogServiceClient catalog)
{
    private const int PageSize = 100;

    public async IAsyncEnumerable<ProductSnapshot> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var categories = (await catalog.ListCategoriesAsync(new ListCategoriesRequest(), cancellationToken: cancellationToken)).Categories
            .ToDictionary(category => category.CategoryId);
        var request = new ListProductsRequest { Page = new PageRequest { PageSize = PageSize } };
        do
        {
            var page = await catalog.ListProductsAsync(request, cancellationToken: cancellationToken);
            foreach (var product in page.Products)
            {
                yield return ToSnapshot(product, categories);
            }
            request.Page.PageToken = page.Page?.NextPageToken ?? "";
        }
        while (request.Page.PageToken.Length > 0);
    }

    private static ProductSnapshot ToSnapshot(Product product, Dictionary<string, Category> categories)
    {
        var snapshot = new ProductSnapshot
        {
            ProductId = product.ProductId,
            Name = product.Name,
            Description = product.Description,
            Brand = product.Brand,
            CategoryId = product.CategoryId,
            CategoryPath = { PathTo(product.CategoryId, categories) },
            ImageUrls = { product.ImageUrls },
            CreatedAt = product.CreatedAt,
        };
        snapshot.Variants.Add(product.Variants.Select(variant => new VariantSnapshot
        {
            Sku = variant.Sku,
            Options = { variant.Options },
            Price = variant.Price,
            EffectivePrice = variant.EffectivePrice ?? variant.Price,
            Available = variant.Available,
        }));
        return snapshot;
    }

    /// <summary>Category ids from the root down to <paramref name="categoryId"/>; a cycle in bad data ends the walk.</summary>
    private static List<string> PathTo(string categoryId, Dictionary<string, Category> categories)
    {
        var path = new List<string>();
        for (var id = categoryId; id.Length > 0 && !path.Contains(id); id = categories.TryGetValue(id, out var category) ? category.ParentId : "")
        {
            path.Insert(0, id);
        }
        return path;
    }
}
