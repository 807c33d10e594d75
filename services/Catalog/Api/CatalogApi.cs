using System.Text.RegularExpressions;
using ECommerce.Catalog.Caching;
using ECommerce.Catalog.Categories;
using ECommerce.Catalog.Events;
using ECommerce.Catalog.Pricing;
using ECommerce.Catalog.Products;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Outbox;
using ECommerce.Grpc;
using ECommerce.ServiceDefaults.Authentication;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Npgsql;
using GrpcStatus = Grpc.Core.Status;

namespace ECommerce.Catalog.Api;

/// <summary>The ecommerce.catalog.v1.CatalogService contract: anyone reads (through the cache), admins change.</summary>
internal sealed partial class CatalogApi(
    NpgsqlDataSource dataSource,
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
        var now = Now();
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
            variant = product?.Variants.FirstOrDefault(variant => variant.Sku == request.Sku)
                ?? throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"SKU {request.Sku} does not exist."));
        }
        Prices.WithEffectivePrices(product!, clock.GetUtcNow());
        return new GetVariantResponse { Product = product, Variant = variant };
    }

    public override async Task<BatchGetVariantsResponse> BatchGetVariants(BatchGetVariantsRequest request, ServerCallContext context)
    {
        VariantLookup.Check(request.Skus);
        return new BatchGetVariantsResponse { Skus = { await VariantLookup.FindAsync(dataSource, request.Skus, clock.GetUtcNow(), context.CancellationToken) } };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<CreateProductResponse> CreateProduct(CreateProductRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        if (request.Product is null)
        {
            violations.Add("product", "is required").ThrowIfAny();
        }
        var now = Now();
        var product = request.Product!.Clone();
        product.ProductId = Guid.CreateVersion7().ToString();
        product.Name = product.Name.Trim();
        ProductRules.CheckFixedProperties(product, violations);
        ProductRules.CheckOptions(product.Options, violations);
        var variants = ProductRules.VariantsForNewProduct(product, violations);
        violations.ThrowIfAny();
        product.Variants.Clear();
        product.Variants.Add(variants);
        product.CreatedAt = product.UpdatedAt = Timestamp.FromDateTimeOffset(now);
        product.Etag = "1";

        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        var categoryPath = await CategoryStore.PathAsync(connection, transaction, Guid.Parse(product.CategoryId), context.CancellationToken);
        if (categoryPath.Count == 0)
        {
            throw CategoryNotFound(Guid.Parse(product.CategoryId));
        }
        try
        {
            await ProductStore.InsertAsync(connection, transaction, product, context.CancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new RpcException(new GrpcStatus(StatusCode.AlreadyExists, $"A SKU of this product already exists: {e.Detail}"));
        }
        await Outbox.AddAsync(connection, transaction, CatalogEvents.ProductsTopic, product.ProductId,
            new ProductCreated { Product = CatalogEvents.Snapshot(product, categoryPath, now) }, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        return new CreateProductResponse { Product = Prices.WithEffectivePrices(product, now) };
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

        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        var current = await LockProductAsync(connection, transaction, productId, context);
        if (changes.Etag.Length > 0 && changes.Etag != current.Etag)
        {
            throw new RpcException(new GrpcStatus(StatusCode.Aborted, $"Product {productId} changed since it was read (etag {changes.Etag}, now {current.Etag}); read it again."));
        }
        var updated = ApplyChanges(current, changes, paths, violations);
        violations.ThrowIfAny();
        updated.UpdatedAt = Timestamp.FromDateTimeOffset(now);
        updated.Etag = (long.Parse(current.Etag) + 1).ToString();
        if (paths.Contains("category_id") && (await CategoryStore.PathAsync(connection, transaction, Guid.Parse(updated.CategoryId), context.CancellationToken)).Count == 0)
        {
            throw CategoryNotFound(Guid.Parse(updated.CategoryId));
        }
        await ProductStore.UpdateAsync(connection, transaction, updated, context.CancellationToken);
        foreach (var (before, after) in current.Variants.Zip(updated.Variants).Where(pair => !pair.First.Price.Equals(pair.Second.Price)))
        {
            await Outbox.AddAsync(connection, transaction, CatalogEvents.ProductsTopic, updated.ProductId, new PriceChanged
            {
                ProductId = updated.ProductId,
                Sku = after.Sku,
                OldPrice = Prices.EffectivePrice(before.Price, before.Sale, now),
                NewPrice = Prices.EffectivePrice(after.Price, after.Sale, now),
                SaleEndsAt = Prices.IsRunning(after.Sale, now) ? after.Sale.EndsAt : null,
            }, context.CancellationToken);
        }
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, updated, now, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        return new UpdateProductResponse { Product = Prices.WithEffectivePrices(updated, now) };
    }

    [Authorize(Roles = AccessTokens.AdminRole)]
    public override async Task<DeleteProductResponse> DeleteProduct(DeleteProductRequest request, ServerCallContext context)
    {
        var productId = ParseId(request.ProductId, "product_id", "a product id");
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        var current = await LockProductAsync(connection, transaction, productId, context);
        var reservedSkus = new List<string>();
        await using (var reserved = new NpgsqlCommand("SELECT sku FROM variants WHERE product_id = $1 AND reserved > 0 ORDER BY sku", connection, transaction)
        {
            Parameters = { new() { Value = productId } },
        })
        await using (var reader = await reserved.ExecuteReaderAsync(context.CancellationToken))
        {
            while (await reader.ReadAsync(context.CancellationToken))
            {
                reservedSkus.Add(reader.GetString(0));
            }
        }
        if (reservedSkus.Count > 0)
        {
            var failure = new PreconditionFailure();
            failure.Violations.Add(reservedSkus.Select(sku => new PreconditionFailure.Types.Violation
            {
                Type = "STOCK_RESERVED", Subject = $"skus/{sku}", Description = "has stock reserved for an order",
            }));
            throw GrpcErrors.WithDetails(StatusCode.FailedPrecondition,
                $"Product {productId} has stock reserved for orders ({string.Join(", ", reservedSkus)}); delete it once they are committed or released.", failure);
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM products WHERE product_id = $1", connection, transaction) { Parameters = { new() { Value = productId } } })
        {
            await delete.ExecuteNonQueryAsync(context.CancellationToken);
        }
        await Outbox.AddAsync(connection, transaction, CatalogEvents.ProductsTopic, current.ProductId,
            new ProductDeleted { ProductId = current.ProductId, Version = long.Parse(current.Etag) + 1 }, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        return new DeleteProductResponse();
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

        var now = Now();
        await using var connection = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(context.CancellationToken);
        var productId = await products.FindProductIdBySkuAsync(request.Sku, context.CancellationToken)
            ?? throw new RpcException(new GrpcStatus(StatusCode.NotFound, $"SKU {request.Sku} does not exist."));
        var current = await LockProductAsync(connection, transaction, productId, context);
        var before = current.Variants.Single(variant => variant.Sku == request.Sku);
        if (request.Sale is not null && request.Sale.Price.CurrencyCode != current.BasePrice.CurrencyCode)
        {
            new FieldViolations().Add("sale.price.currency_code", $"must be the product's currency, {current.BasePrice.CurrencyCode}").ThrowIfAny();
        }
        await using (var update = new NpgsqlCommand("UPDATE variants SET sale_price = $2, sale_starts_at = $3, sale_ends_at = $4, sale_announced = $5 WHERE sku = $1",
            connection, transaction)
        {
            Parameters =
            {
                new() { Value = request.Sku },
                new() { Value = request.Sale is null ? DBNull.Value : Prices.ToDecimal(request.Sale.Price), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Numeric },
                new() { Value = request.Sale is null ? DBNull.Value : request.Sale.StartsAt.ToDateTimeOffset(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                new() { Value = request.Sale is null ? DBNull.Value : request.Sale.EndsAt.ToDateTimeOffset(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
                // The PriceChanged below announces the price of this moment; SaleClock announces the next change.
                new() { Value = Prices.IsRunning(request.Sale, now) },
            },
        })
        {
            await update.ExecuteNonQueryAsync(context.CancellationToken);
        }
        await ProductStore.TouchAsync(connection, transaction, productId, now, context.CancellationToken);
        var updated = await LockProductAsync(connection, transaction, productId, context);
        var after = updated.Variants.Single(variant => variant.Sku == request.Sku);
        await Outbox.AddAsync(connection, transaction, CatalogEvents.ProductsTopic, updated.ProductId, new PriceChanged
        {
            ProductId = updated.ProductId,
            Sku = request.Sku,
            OldPrice = Prices.EffectivePrice(before.Price, before.Sale, now),
            NewPrice = Prices.EffectivePrice(after.Price, after.Sale, now),
            SaleEndsAt = Prices.IsRunning(after.Sale, now) ? after.Sale.EndsAt : null,
        }, context.CancellationToken);
        await CatalogEvents.AddProductUpdatedAsync(connection, transaction, updated, now, context.CancellationToken);
        await transaction.CommitAsync(context.CancellationToken);
        await cache.InvalidateAsync(CatalogCache.ProductKey(productId));
        after.EffectivePrice = Prices.EffectivePrice(after.Price, after.Sale, now);
        return new SetSalePriceResponse { Variant = after };
    }

    /// <summary>The time to the microsecond, as PostgreSQL stores it, so what a write returns is what a read returns.</summary>
    private DateTimeOffset Now()
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }

    private Task<Product?> CachedProductAsync(Guid productId, ServerCallContext context) =>
        cache.GetOrLoadAsync(CatalogCache.ProductKey(productId), Product.Parser, () => products.FindAsync(productId, context.CancellationToken));

    /// <summary>Reads a product and locks its row until the transaction ends, so concurrent changes to it take turns.</summary>
    private static async Task<Product> LockProductAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid productId, ServerCallContext context) =>
        (await ProductStore.ReadAsync(connection, transaction, $"SELECT {ProductStore.ProductColumns} FROM products WHERE product_id = $1 FOR UPDATE",
            [productId], context.CancellationToken)).SingleOrDefault()
        ?? throw ProductNotFound(productId);

    private static Product ApplyChanges(Product current, Product changes, List<string> paths, FieldViolations violations)
    {
        var updated = current.Clone();
        if (paths.Contains("name")) updated.Name = changes.Name.Trim();
        if (paths.Contains("description")) updated.Description = changes.Description;
        if (paths.Contains("brand")) updated.Brand = changes.Brand;
        if (paths.Contains("category_id")) updated.CategoryId = changes.CategoryId;
        if (paths.Contains("image_urls"))
        {
            updated.ImageUrls.Clear();
            updated.ImageUrls.Add(changes.ImageUrls);
        }
        if (paths.Contains("base_price"))
        {
            violations.Check(changes.BasePrice.CurrencyCode == current.BasePrice.CurrencyCode, "product.base_price.currency_code",
                $"must stay the product's currency, {current.BasePrice.CurrencyCode}");
            updated.BasePrice = changes.BasePrice;
        }
        if (paths.Contains("variants"))
        {
            for (var i = 0; i < changes.Variants.Count; i++)
            {
                var change = changes.Variants[i];
                var variant = updated.Variants.FirstOrDefault(existing => existing.Sku == change.Sku);
                if (variant is null)
                {
                    violations.Add($"product.variants[{i}].sku", "must be a SKU of this product; variants cannot be added or removed after creation");
                    continue;
                }
                if (change.Price is not null)
                {
                    violations.Check(change.Price.CurrencyCode == current.BasePrice.CurrencyCode, $"product.variants[{i}].price.currency_code",
                        $"must be the product's currency, {current.BasePrice.CurrencyCode}");
                    variant.Price = change.Price;
                }
                variant.ImageUrls.Clear();
                variant.ImageUrls.Add(change.ImageUrls);
            }
        }
        return updated;
    }

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

    private static RpcException ProductNotFound(Guid productId) => new(new GrpcStatus(StatusCode.NotFound, $"Product {productId} does not exist."));

    private static RpcException CategoryNotFound(Guid categoryId) => new(new GrpcStatus(StatusCode.NotFound, $"Category {categoryId} does not exist."));

    private static RpcException SlugTaken(string slug) => new(new GrpcStatus(StatusCode.AlreadyExists, $"Another category already has the slug \"{slug}\"."));

    [GeneratedRegex("^(?=.{1,100}$)[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex Slug();
}
