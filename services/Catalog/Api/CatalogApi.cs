using System.Text.RegularExpressions;
using ECommerce.Contracts.Common.V1;
using ECommerce.ServiceDefaults.Authentication;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Catalog.Api;

/// <summary>The ecommerce.catalog.v1.CatalogService contract: anyone reads (through the cache), admins change.</summary>
internal sealed partial class CatalogApi(
    ProductKeeper keeper,
    ProductStore products,
    CategoryStore categories,
    CatalogCache cache,
    TimeProvider clock) : CatalogService.CatalogServiceBase
{
    private const int DefaultPageSize = 20;
    private const int MaxPageSize = 100;
    private static readonly string[] UpdatableProductFields = ["name", "description", "brand", "category_id", "base_price", "image_urls", "variants"];
    private static readonly string[] UpdatableCategoryFields = ["name", "slug", "description"];

    public override async Task<ListCategoriesResponse> ListCategories(ListCategoriesRequest request, ServerCallContext context)
    {
        var parentId = request.ParentId.Length == 0 ? (Guid?)null : ParseId(request.ParentId, "parent_id", "a category id");
        var tree = await cache.GetOrLoadAsync(CatalogCache.CategoriesKey, ListCategoriesResponse.Parser,
            async () => new ListCategoriesResponse { Categories = { await categories.ListAllAsync(context.CancellationToken) } });
        return parentId is null
            ? tree!
            : new ListCategoriesResponse { Categories = { tree!.Categories.Where(category => category.ParentId == parentId.ToString()) } };
    }

    public override async Task<GetCategoryResponse> GetCategory(GetCategoryRequest request, ServerCallContext context)
    {
        var categoryId = ParseId(request.CategoryId, "category_id", "a category id");
        return new GetCategoryResponse { Category = await FindCategoryAsync(categoryId, context) };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<CreateCategoryResponse> CreateCategory(CreateCategoryRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        if (request.Category is null)
        {
            violations.Add("category", "is required").ThrowIfAny();
        }
        var category = request.Category!.Clone();
        CheckCategory(category, violations, UpdatableCategoryFields);
        violations.Check(category.ParentId.Length == 0 || Guid.TryParse(category.ParentId, out _), "category.parent_id", "must be empty or a category id")
            .ThrowIfAny();
        if (category.ParentId.Length > 0)
        {
            await FindCategoryAsync(Guid.Parse(category.ParentId), context);
        }
        category.CategoryId = Guid.CreateVersion7().ToString();
        if (!await categories.TryInsertAsync(category, context.CancellationToken))
        {
            throw SlugTaken(category.Slug);
        }
        await cache.InvalidateAsync(CatalogCache.CategoriesKey);
        return new CreateCategoryResponse { Category = category };
    }

    /// <remarks>
    /// A category cannot move to another parent: every product below it would need a new
    /// category_path in the events Search reads. Create the new category and move the products.
    /// </remarks>
    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<UpdateCategoryResponse> UpdateCategory(UpdateCategoryRequest request, ServerCallContext context)
    {
        var changes = request.Category ?? new Category();
        var paths = request.UpdateMask?.Paths.Distinct().ToList() ?? [];
        var violations = new FieldViolations()
            .Check(Guid.TryParse(changes.CategoryId, out var categoryId), "category.category_id", "must be a category id")
            .CheckUpdateMask(paths, UpdatableCategoryFields);
        CheckCategory(changes, violations, paths);
        violations.ThrowIfAny();

        var current = await FindCategoryAsync(categoryId, context);
        var updated = current.Clone();
        updated.Name = paths.Contains("name") ? changes.Name.Trim() : current.Name;
        updated.Slug = paths.Contains("slug") ? changes.Slug : current.Slug;
        updated.Description = paths.Contains("description") ? changes.Description : current.Description;
        if (!await categories.TryUpdateAsync(updated, context.CancellationToken))
        {
            throw SlugTaken(updated.Slug);
        }
        await cache.InvalidateAsync(CatalogCache.CategoriesKey);
        return new UpdateCategoryResponse { Category = updated };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<DeleteCategoryResponse> DeleteCategory(DeleteCategoryRequest request, ServerCallContext context)
    {
        var categoryId = ParseId(request.CategoryId, "category_id", "a category id");
        switch (await categories.DeleteAsync(categoryId, context.CancellationToken))
        {
            case CategoryDeletion.NotFound:
                throw CategoryNotFound(categoryId);
            case CategoryDeletion.InUse inUse:
                throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                    $"Category {categoryId} still has {inUse.Children} sub-categories and {inUse.Products} products; move or delete them first.",
                    new PreconditionFailure
                    {
                        Violations = { new PreconditionFailure.Types.Violation { Type = "CATEGORY_IN_USE", Subject = $"categories/{categoryId}", Description = "has sub-categories or products" } },
                    });
        }
        await cache.InvalidateAsync(CatalogCache.CategoriesKey);
        return new DeleteCategoryResponse();
    }

    public override async Task<ListProductsResponse> ListProducts(ListProductsRequest request, ServerCallContext context)
    {
        var page = request.Page ?? new PageRequest();
        ProductCursor? after = null;
        var violations = new FieldViolations()
            .Check(request.CategoryId.Length == 0 || Guid.TryParse(request.CategoryId, out _), "category_id", "must be empty or a category id")
            .Check(page.PageSize is >= 0 and <= MaxPageSize, "page.page_size", $"must be 0 (the default, {DefaultPageSize}) to {MaxPageSize}")
            .Check(page.PageToken.Length == 0 || ProductCursor.TryParse(page.PageToken, out after), "page.page_token", "must be a next_page_token from an earlier response");
        violations.ThrowIfAny();

        var pageSize = page.PageSize == 0 ? DefaultPageSize : page.PageSize;
        var categoryId = request.CategoryId.Length == 0 ? (Guid?)null : Guid.Parse(request.CategoryId);
        // The page and the total are read side by side; under concurrent changes the total may be a moment older or newer.
        var listing = products.ListAsync(categoryId, after, pageSize + 1, context.CancellationToken);
        var total = products.CountAsync(categoryId, context.CancellationToken);
        await Task.WhenAll(listing, total);
        var found = listing.Result;
        var now = clock.StoredNow();
        var response = new ListProductsResponse { Page = new PageResponse { TotalSize = total.Result } };
        response.Products.Add(found.Take(pageSize).Select(product => Prices.WithEffectivePrices(product, now)));
        if (found.Count > pageSize)
        {
            var last = response.Products[^1];
            response.Page.NextPageToken = new ProductCursor(last.CreatedAt.ToDateTimeOffset(), Guid.Parse(last.ProductId)).ToToken();
        }
        return response;
    }

    public override async Task<GetProductResponse> GetProduct(GetProductRequest request, ServerCallContext context)
    {
        var productId = ParseId(request.ProductId, "product_id", "a product id");
        var product = await CachedProductAsync(productId, context) ?? throw ProductNotFound(productId);
        return new GetProductResponse { Product = Prices.WithEffectivePrices(product, clock.GetUtcNow()) };
    }

    public override async Task<GetVariantResponse> GetVariant(GetVariantRequest request, ServerCallContext context)
    {
        new FieldViolations().Check(ProductRules.IsValidSku(request.Sku), "sku", "must be a SKU").ThrowIfAny();
        var productId = await cache.GetOrLoadAsync($"sku:{request.Sku}", StringValue.Parser,
            async () => await products.FindProductIdBySkuAsync(request.Sku, context.CancellationToken) is { } id ? new StringValue { Value = id.ToString() } : null);
        var product = productId is null ? null : await CachedProductAsync(Guid.Parse(productId.Value), context);
        var variant = product?.Variants.FirstOrDefault(variant => variant.Sku == request.Sku);
        if (variant is null)
        {
            // A SKU cached for a product since deleted: ask the database, which knows the truth.
            await cache.InvalidateAsync($"sku:{request.Sku}");
            product = await products.FindProductIdBySkuAsync(request.Sku, context.CancellationToken) is { } id ? await products.FindAsync(id, context.CancellationToken) : null;
            variant = product?.Variants.FirstOrDefault(variant => variant.Sku == request.Sku) ?? throw UnknownSku(request.Sku);
        }
        Prices.WithEffectivePrices(product!, clock.GetUtcNow());
        return new GetVariantResponse { Product = product, Variant = variant };
    }

    public override async Task<BatchGetVariantsResponse> BatchGetVariants(BatchGetVariantsRequest request, ServerCallContext context)
    {
        VariantLookup.Check(request.Skus);
        return new BatchGetVariantsResponse { Skus = { await products.FindVariantsAsync(request.Skus, clock.GetUtcNow(), context.CancellationToken) } };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<CreateProductResponse> CreateProduct(CreateProductRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        if (request.Product is null)
        {
            violations.Add("product", "is required").ThrowIfAny();
        }
        var product = request.Product!.Clone();
        product.ProductId = Guid.CreateVersion7().ToString();
        product.Name = product.Name.Trim();
        ProductRules.CheckFixedProperties(product, violations);
        ProductRules.CheckOptions(product.Options, violations);
        var variants = ProductRules.VariantsForNewProduct(product, violations);
        violations.ThrowIfAny();
        product.Variants.Clear();
        product.Variants.Add(variants);

        return await keeper.CreateAsync(product, context.CancellationToken) switch
        {
            ProductCreation.Created created => new CreateProductResponse { Product = created.Product },
            ProductCreation.UnknownCategory unknown => throw CategoryNotFound(unknown.CategoryId),
            ProductCreation.SkuTaken taken => throw new RpcException(new GrpcStatus(StatusCode.AlreadyExists, $"A SKU of this product already exists: {taken.Detail}")),
            _ => throw new InvalidOperationException("Unknown product creation outcome."),
        };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<UpdateProductResponse> UpdateProduct(UpdateProductRequest request, ServerCallContext context)
    {
        var changes = request.Product ?? new Product();
        var paths = request.UpdateMask?.Paths.Distinct().ToList() ?? [];
        var violations = new FieldViolations()
            .Check(Guid.TryParse(changes.ProductId, out var productId), "product.product_id", "must be a product id")
            .CheckUpdateMask(paths, UpdatableProductFields);
        ProductRules.CheckFixedProperties(changes, violations, paths);
        if (paths.Contains("variants"))
        {
            for (var i = 0; i < changes.Variants.Count; i++)
            {
                if (changes.Variants[i].Price is { } price)
                {
                    Prices.Check(price, $"product.variants[{i}].price", violations);
                }
                ProductRules.CheckImageUrls(changes.Variants[i].ImageUrls, $"product.variants[{i}].image_urls", violations);
            }
        }
        violations.ThrowIfAny();

        return await keeper.UpdateAsync(productId, changes, paths, context.CancellationToken) switch
        {
            ProductUpdate.Updated updated => new UpdateProductResponse { Product = updated.Product },
            ProductUpdate.NotFound => throw ProductNotFound(productId),
            ProductUpdate.Stale stale => throw new RpcException(new GrpcStatus(StatusCode.Aborted,
                $"Product {productId} changed since it was read (etag {changes.Etag}, now {stale.CurrentEtag}); read it again.")),
            ProductUpdate.Invalid invalid => throw invalid.Violations.ToException(),
            ProductUpdate.UnknownCategory unknown => throw CategoryNotFound(unknown.CategoryId),
            _ => throw new InvalidOperationException("Unknown product update outcome."),
        };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<DeleteProductResponse> DeleteProduct(DeleteProductRequest request, ServerCallContext context)
    {
        var productId = ParseId(request.ProductId, "product_id", "a product id");
        return await keeper.DeleteAsync(productId, context.CancellationToken) switch
        {
            ProductDeletion.Deleted => new DeleteProductResponse(),
            ProductDeletion.NotFound => throw ProductNotFound(productId),
            ProductDeletion.StockReserved reserved => throw StockReserved(productId, reserved.Skus),
            _ => throw new InvalidOperationException("Unknown product deletion outcome."),
        };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<SetSalePriceResponse> SetSalePrice(SetSalePriceRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations().Check(ProductRules.IsValidSku(request.Sku), "sku", "must be a SKU");
        if (request.Sale is { } sale)
        {
            Prices.Check(sale.Price, "sale.price", violations);
            violations.Check(sale.StartsAt is not null, "sale.starts_at", "is required")
                .Check(sale.EndsAt is not null, "sale.ends_at", "is required");
            if (sale.StartsAt is not null && sale.EndsAt is not null)
            {
                violations.Check(sale.EndsAt.ToDateTimeOffset() > sale.StartsAt.ToDateTimeOffset(), "sale.ends_at", "must be after starts_at");
            }
        }
        violations.ThrowIfAny();

        return await keeper.SetSalePriceAsync(request.Sku, request.Sale, context.CancellationToken) switch
        {
            SalePriceChange.Changed changed => new SetSalePriceResponse { Variant = changed.Variant },
            SalePriceChange.UnknownSku => throw UnknownSku(request.Sku),
            SalePriceChange.UnknownProduct unknown => throw ProductNotFound(unknown.ProductId),
            SalePriceChange.WrongCurrency wrong => throw new FieldViolations()
                .Add("sale.price.currency_code", $"must be the product's currency, {wrong.ProductCurrency}").ToException(),
            _ => throw new InvalidOperationException("Unknown sale price outcome."),
        };
    }

    private Task<Product?> CachedProductAsync(Guid productId, ServerCallContext context) =>
        cache.GetOrLoadAsync(CatalogCache.ProductKey(productId), Product.Parser, () => products.FindAsync(productId, context.CancellationToken));

    private async Task<Category> FindCategoryAsync(Guid categoryId, ServerCallContext context) =>
        await categories.FindAsync(categoryId, context.CancellationToken) ?? throw CategoryNotFound(categoryId);

    private static void CheckCategory(Category category, FieldViolations violations, ICollection<string> fields)
    {
        if (fields.Contains("name"))
        {
            violations.Check(!string.IsNullOrWhiteSpace(category.Name) && category.Name.Length <= 100, "category.name", "is required and at most 100 characters");
        }
        if (fields.Contains("slug"))
        {
            violations.Check(Slug().IsMatch(category.Slug), "category.slug", "must be 1 to 100 lower-case letters, digits and single hyphens, e.g. \"running-shoes\"");
        }
        if (fields.Contains("description"))
        {
            violations.Check(category.Description.Length <= 1000, "category.description", "must be at most 1,000 characters");
        }
    }

    private static Guid ParseId(string value, string field, string what) =>
        Guid.TryParse(value, out var id) ? id : throw new FieldViolations().Add(field, $"must be {what}").ToException();

    private static RpcException StockReserved(Guid productId, IReadOnlyList<string> skus)
    {
        var failure = new PreconditionFailure();
        failure.Violations.Add(skus.Select(sku => new PreconditionFailure.Types.Violation
        {
            Type = "STOCK_RESERVED", Subject = $"skus/{sku}", Description = "has stock reserved for an order",
        }));
        return GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
            $"Product {productId} has stock reserved for orders ({string.Join(", ", skus)}); delete it once they are committed or released.", failure);
    }

    private static RpcException UnknownSku(string sku) => new(new GrpcStatus(StatusCode.NotFound, $"SKU {sku} does not exist."));

    private static RpcException ProductNotFound(Guid productId) => new(new GrpcStatus(StatusCode.NotFound, $"Product {productId} does not exist."));

    private static RpcException CategoryNotFound(Guid categoryId) => new(new GrpcStatus(StatusCode.NotFound, $"Category {categoryId} does not exist."));

    private static RpcException SlugTaken(string slug) => new(new GrpcStatus(StatusCode.AlreadyExists, $"Another category already has the slug \"{slug}\"."));

    [GeneratedRegex("^(?=.{1,100}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}
