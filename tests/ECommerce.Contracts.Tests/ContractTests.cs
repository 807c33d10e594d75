using System.Diagnostics;
using ECommerce.Testing;
using Google.Api;
using Google.Protobuf.Reflection;

namespace ECommerce.Contracts.Tests;

public sealed class ContractTests
{
    // Called only service-to-service during checkout; never exposed at the REST edge.
    private static readonly HashSet<string> InternalRpcs =
    [
        // For the cart: up to 500 SKUs straight from PostgreSQL per call, not a storefront read.
        "ecommerce.catalog.v1.CatalogService.BatchGetVariants",
        "ecommerce.catalog.v1.InventoryService.ReserveStock",
        "ecommerce.catalog.v1.InventoryService.ReleaseStock",
        "ecommerce.catalog.v1.InventoryService.CommitStock",
        "ecommerce.catalog.v1.InventoryService.ReturnStock",
        "ecommerce.payment.v1.PaymentService.Authorize",
        "ecommerce.payment.v1.PaymentService.Capture",
        "ecommerce.payment.v1.PaymentService.Void",
        "ecommerce.shipping.v1.ShippingService.CreateShipment",
        "ecommerce.shipping.v1.ShippingService.CancelShipment",
    ];

    private static readonly FileDescriptor[] ServiceContracts =
    [
        Contracts.Users.V1.UsersReflection.Descriptor,
        Contracts.Catalog.V1.CatalogReflection.Descriptor,
        Contracts.Search.V1.SearchReflection.Descriptor,
        Contracts.Cart.V1.CartReflection.Descriptor,
        Contracts.Orders.V1.OrdersReflection.Descriptor,
        Contracts.Payment.V1.PaymentReflection.Descriptor,
        Contracts.Shipping.V1.ShippingReflection.Descriptor,
        Contracts.Logging.V1.LoggingReflection.Descriptor,
    ];

    [Fact]
    public async Task Buf_lint_passes_on_every_contract()
    {
        var buf = Process.Start(new ProcessStartInfo(Path.Combine(RepositoryRoot.Path, "eng/node/node_modules/.bin/buf"), ["lint"])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await buf.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken)
            + await buf.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await buf.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(buf.ExitCode == 0, $"buf lint found problems:\n{output}");
    }

    [Fact]
    public void Each_of_the_eight_services_has_its_own_versioned_package()
    {
        var packages = ServiceContracts.Select(file => file.Package).ToList();

        Assert.Equal(
            ["ecommerce.users.v1", "ecommerce.catalog.v1", "ecommerce.search.v1", "ecommerce.cart.v1",
             "ecommerce.orders.v1", "ecommerce.payment.v1", "ecommerce.shipping.v1", "ecommerce.logging.v1"],
            packages);
        Assert.All(ServiceContracts, file => Assert.NotEmpty(file.Services));
    }

    [Fact]
    public void Every_rpc_a_storefront_or_admin_calls_is_reachable_over_rest()
    {
        var methods = ServiceContracts.SelectMany(file => file.Services).SelectMany(service => service.Methods).ToList();

        var unannotated = methods
            .Where(method => method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is null)
            .Select(method => method.FullName)
            .ToHashSet();

        Assert.Equal(InternalRpcs.Order(), unannotated.Order());
        Assert.True(methods.Count > 40, $"expected the whole mesh's contracts, found {methods.Count} rpcs");
    }

    [Fact]
    public void Every_domain_event_named_by_the_issues_exists_as_a_protobuf_message()
    {
        var events = typeof(Contracts.Events.V1.OrderPlaced).Assembly.GetTypes()
            .Where(type => type.Namespace == "ECommerce.Contracts.Events.V1")
            .Select(type => type.Name)
            .ToHashSet();

        Assert.Subset(events, new HashSet<string>
        {
            "UserRegistered", "UserProfileUpdated", "ProductCreated", "ProductUpdated", "ProductDeleted",
            "PriceChanged", "InventoryChanged", "StockLevelLow", "OrderPlaced", "OrderCancelled",
            "PaymentAuthorized", "PaymentCaptured", "PaymentFailed", "PaymentVoided", "PaymentRefunded", "ShipmentCreated", "LogRecord", "ErrorRateSpiked",
        });
    }
}
