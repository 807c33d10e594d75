using System.Security.Cryptography;
using Google.Protobuf;
using ECommerce.Contracts.Cart.V1;

namespace ECommerce.Orders.Orders;

/// <summary>The order's state machine, the checks of PlaceOrder's input and the totals: pure functions.</summary>
internal static class OrderRules
{
    public const int MaxKeyLength = 100;
    public const int MaxReasonLength = 500;
    public const int MaxIdLength = 100;
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static readonly OrderStatus[] AllStatuses =
    [
        OrderStatus.Pending, OrderStatus.AwaitingPayment, OrderStatus.Paid, OrderStatus.Fulfilling, OrderStatus.Shipped,
        OrderStatus.Delivered, OrderStatus.Cancelled, OrderStatus.Refunded, OrderStatus.Failed,
    ];

    /// <summary>Every legal transition; anything else is refused, never applied.</summary>
    private static readonly Dictionary<OrderStatus, OrderStatus[]> Next = new()
    {
        [OrderStatus.Pending] = [OrderStatus.AwaitingPayment, OrderStatus.Failed],
        [OrderStatus.AwaitingPayment] = [OrderStatus.Paid, OrderStatus.Failed],
        [OrderStatus.Paid] = [OrderStatus.Fulfilling, OrderStatus.Shipped, OrderStatus.Cancelled, OrderStatus.Refunded],
        [OrderStatus.Fulfilling] = [OrderStatus.Shipped, OrderStatus.Cancelled, OrderStatus.Refunded],
        [OrderStatus.Shipped] = [OrderStatus.Delivered, OrderStatus.Refunded],
        [OrderStatus.Delivered] = [OrderStatus.Refunded],
        [OrderStatus.Cancelled] = [],
        [OrderStatus.Refunded] = [],
        [OrderStatus.Failed] = [],
    };

    public static bool CanMove(OrderStatus from, OrderStatus to) => Next.TryGetValue(from, out var allowed) && allowed.Contains(to);

    /// <summary>A customer may cancel until the parcel leaves: while paid or being fulfilled.</summary>
    public static bool IsCancellable(OrderStatus status) => CanMove(status, OrderStatus.Cancelled);

    /// <summary>Money was captured and not all of it given back.</summary>
    public static bool IsRefundable(OrderStatus status) => status is OrderStatus.Paid or OrderStatus.Fulfilling or OrderStatus.Shipped or OrderStatus.Delivered;

    /// <summary>The checkout has not ended: the order waits for its saga.</summary>
    public static bool IsCheckingOut(OrderStatus status) => status is OrderStatus.Pending or OrderStatus.AwaitingPayment;

    public static string Name(OrderStatus status) => status switch
    {
        OrderStatus.Pending => "pending",
        OrderStatus.AwaitingPayment => "awaiting_payment",
        OrderStatus.Paid => "paid",
        OrderStatus.Fulfilling => "fulfilling",
        OrderStatus.Shipped => "shipped",
        OrderStatus.Delivered => "delivered",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Refunded => "refunded",
        OrderStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a stored status."),
    };

    public static OrderStatus Parse(string name) => AllStatuses.FirstOrDefault(status => Name(status) == name) is var status && status != OrderStatus.Unspecified
        ? status
        : throw new InvalidOperationException($"Unknown stored order status '{name}'.");

    public static void CheckPlaceOrder(PlaceOrderRequest request, bool shippingEnabled, FieldViolations violations)
    {
        CheckKey(request.IdempotencyKey, "idempotency_key", violations);
        violations.Check(request.CartId is "" or "me" || Guid.TryParse(request.CartId, out _), "cart_id", "must be \"me\" or your user id");
        switch (request.DestinationCase)
        {
            case PlaceOrderRequest.DestinationOneofCase.ShippingAddress:
                CheckAddress(request.ShippingAddress, violations);
                break;
            case PlaceOrderRequest.DestinationOneofCase.SavedAddressId:
                violations.Check(Guid.TryParse(request.SavedAddressId, out _), "saved_address_id", "must be the id (a UUID) of one of your saved addresses");
                break;
            default:
                violations.Add("shipping_address", "is required (or saved_address_id)");
                break;
        }
        violations.Check(!shippingEnabled || (request.QuoteId.Length is > 0 and <= MaxIdLength && !request.QuoteId.Any(char.IsWhiteSpace)),
            "quote_id", "is required: the quote of the chosen shipping option (ShippingService.GetQuotes)");
        violations.Check(request.PaymentMethodToken.StartsWith("pm_", StringComparison.Ordinal) && request.PaymentMethodToken.Length <= MaxIdLength
                && request.PaymentMethodToken.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'),
            "payment_method_token", "must be a payment-method token (pm_…) from the payment provider, never a card number");
    }

    public static void CheckAddress(Address address, FieldViolations violations)
    {
        violations.Check(!string.IsNullOrWhiteSpace(address.RecipientName) && address.RecipientName.Length <= 200, "shipping_address.recipient_name", "is required, at most 200 characters")
            .Check(!string.IsNullOrWhiteSpace(address.Line1) && address.Line1.Length <= 200, "shipping_address.line1", "is required, at most 200 characters")
            .Check(address.Line2.Length <= 200, "shipping_address.line2", "must be at most 200 characters")
            .Check(!string.IsNullOrWhiteSpace(address.City) && address.City.Length <= 100, "shipping_address.city", "is required, at most 100 characters")
            .Check(address.Region.Length <= 100, "shipping_address.region", "must be at most 100 characters")
            .Check(!string.IsNullOrWhiteSpace(address.PostalCode) && address.PostalCode.Length <= 20, "shipping_address.postal_code", "is required, at most 20 characters")
            .Check(address.CountryCode.Length == 2 && address.CountryCode.All(char.IsAsciiLetterUpper), "shipping_address.country_code", "must be an ISO 3166-1 alpha-2 code, e.g. DE")
            .Check(address.Phone.Length <= 40, "shipping_address.phone", "must be at most 40 characters");
    }

    public static void CheckKey(string key, string field, FieldViolations violations) =>
        violations.Check(key.Length is > 0 and <= MaxKeyLength && !key.Any(char.IsControl) && !string.IsNullOrWhiteSpace(key), field,
            $"is required, 1 to {MaxKeyLength} printable characters, the same on every retry");

    public static void CheckOrderId(string orderId, FieldViolations violations) =>
        violations.Check(Guid.TryParse(orderId, out _), "order_id", "must be an order id (a UUID)");

    /// <summary>The fingerprint of a PlaceOrder request without its key: the same key with another body is refused.</summary>
    public static string Fingerprint(PlaceOrderRequest request)
    {
        var body = request.Clone();
        body.IdempotencyKey = "";
        if (body.CartId == "")
        {
            body.CartId = "me";
        }
        return Convert.ToHexString(SHA256.HashData(body.ToByteArray()));
    }

    /// <summary>
    /// Cart problems that refuse the checkout before anything is recorded. A changed price is not one: the order charges the
    /// catalog's price of now, which the answer shows. Short stock is left to the reservation, which is authoritative (and
    /// may still be met), except a line the catalog has none of at all: with nothing to reserve, the buyer is told "out of
    /// stock" at once, which is what turns a flash sale's late buyers away in milliseconds instead of after a whole saga.
    /// </summary>
    public static bool Blocks(LineProblem problem, Contracts.Cart.V1.Cart cart) => problem.Issue switch
    {
        LineIssue.PriceChanged => false,
        LineIssue.InsufficientStock => cart.Lines.Any(line => line.Sku == problem.Sku && line.Availability == Availability.OutOfStock),
        _ => true,
    };

    /// <summary>The order's lines and totals from a validated cart (its prices are the catalog's) and the shipping price.</summary>
    public static Priced Price(Contracts.Cart.V1.Cart cart, Money? shipping)
    {
        var lines = cart.Lines.Select((line, position) => new PricedLine(position, line.Sku, line.ProductId, line.Name,
            new Dictionary<string, string>(line.Options), line.Quantity, line.UnitPrice.ToDecimal(), line.UnitPrice.ToDecimal() * line.Quantity)).ToList();
        var currency = cart.Lines[0].UnitPrice.CurrencyCode;
        var subtotal = lines.Sum(line => line.LineTotal);
        var shippingCost = shipping?.ToDecimal() ?? 0m;
        return new Priced(currency, lines, subtotal, shippingCost, subtotal + shippingCost);
    }

    /// <summary>What stays to refund: the requested amount, or everything left when none is given.</summary>
    public static decimal? RefundAmount(decimal total, decimal refunded, decimal? requested) =>
        requested is { } amount ? (amount > 0 && amount <= total - refunded ? amount : null) : (total - refunded > 0 ? total - refunded : null);
}

internal sealed record PricedLine(int Position, string Sku, string ProductId, string Name, Dictionary<string, string> Options, long Quantity, decimal UnitPrice, decimal LineTotal);

internal sealed record Priced(string Currency, IReadOnlyList<PricedLine> Lines, decimal Subtotal, decimal ShippingCost, decimal Total);
