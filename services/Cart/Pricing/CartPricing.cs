using ECommerce.Cart.Carts;
using ECommerce.Contracts.Cart.V1;
using ECommerce.Contracts.Catalog.V1;
using ECommerce.Contracts.Common.V1;
using Google.Protobuf.WellKnownTypes;
using State = ECommerce.Contracts.Catalog.V1.SkuLookup.Types.State;

namespace ECommerce.Cart.Pricing;

/// <summary>
/// A stored cart as the shopper sees it: each line with the catalog's current name, options, effective
/// price and stock, its notices, and the subtotal. Pure: the lookups come from one catalog call.
/// </summary>
internal static class CartPricing
{

    public static Contracts.Cart.V1.Cart Price(CartOwner owner, StoredCart stored, IReadOnlyDictionary<string, SkuLookup> catalog,
        CartOptions options, DateTimeOffset? expiresAt)
    {
        var currency = stored.Currency ?? options.DefaultCurrency;
        var cart = new Contracts.Cart.V1.Cart
        {
            CartId = owner.CartId,
            UpdatedAt = stored.UpdatedAt is { } updated ? Timestamp.FromDateTimeOffset(updated) : null,
            ExpiresAt = expiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        };
        var subtotal = 0m;
        for (var i = 0; i < stored.Lines.Count; i++)
        {
            var line = Line(stored.Lines[i], catalog);
            AddNotices(line, stored.Lines[i], position: i, options, catalog);
            cart.Lines.Add(line);
            cart.TotalQuantity += line.Quantity;
            if (line.LineTotal is { } total && total.CurrencyCode == currency)
            {
                subtotal += total.ToDecimal();
            }
        }
        foreach (var saved in stored.Saved)
        {
            var line = Line(saved, catalog);
            if (line.Availability == Availability.Unavailable)
            {
                line.Notices.Add(Unavailable(saved.Sku, catalog));
            }
            cart.SavedForLater.Add(line);
        }
        cart.Subtotal = Money.FromDecimal(currency, subtotal);
        return cart;
    }

    /// <summary>Every problem a checkout would hit: the notices of the cart's lines (the saved list is not checked out).</summary>
    public static IEnumerable<LineProblem> Problems(Contracts.Cart.V1.Cart cart) =>
        cart.Lines.SelectMany(line => line.Notices.Select(notice => new LineProblem { Sku = line.Sku, Issue = notice.Issue, Message = notice.Message }));

    private static CartLine Line(StoredLine stored, IReadOnlyDictionary<string, SkuLookup> catalog)
    {
        var line = new CartLine { Sku = stored.Sku, Quantity = stored.Quantity, PriceWhenAdded = stored.PriceWhenSet };
        if (catalog.GetValueOrDefault(stored.Sku) is not { State: State.Found } found)
        {
            line.Availability = Availability.Unavailable;
            return line;
        }
        var variant = found.Variant;
        line.ProductId = found.ProductId;
        line.Name = found.ProductName;
        line.Options.Add(variant.Options);
        line.UnitPrice = variant.EffectivePrice;
        line.LineTotal = Money.FromDecimal(variant.EffectivePrice.CurrencyCode, variant.EffectivePrice.ToDecimal() * stored.Quantity);
        line.Available = Math.Max(0, variant.Available);
        line.Availability = line.Available >= stored.Quantity ? Availability.InStock
            : line.Available > 0 ? Availability.Limited
            : Availability.OutOfStock;
        line.ImageUrl = variant.ImageUrls.FirstOrDefault() ?? "";
        return line;
    }

    private static void AddNotices(CartLine line, StoredLine stored, int position, CartOptions options, IReadOnlyDictionary<string, SkuLookup> catalog)
    {
        if (line.Availability == Availability.Unavailable)
        {
            line.Notices.Add(Unavailable(stored.Sku, catalog));
        }
        if (line.UnitPrice is { } now && stored.PriceWhenSet is { } then && !now.Equals(then))
        {
            line.Notices.Add(Notice(LineIssue.PriceChanged, $"The price went from {Format(then)} to {Format(now)} since you added this."));
        }
        if (line.Availability is Availability.Limited or Availability.OutOfStock)
        {
            line.Notices.Add(Notice(LineIssue.InsufficientStock, line.Available == 0
                ? "Out of stock."
                : $"Only {line.Available} available; the cart holds {line.Quantity}."));
        }
        if (line.Quantity > options.MaxQuantityPerLine)
        {
            line.Notices.Add(Notice(LineIssue.OverLineLimit, $"At most {options.MaxQuantityPerLine} per line; the cart holds {line.Quantity}."));
        }
        if (position >= options.MaxLines)
        {
            line.Notices.Add(Notice(LineIssue.OverCartLimit, $"A cart holds at most {options.MaxLines} lines."));
        }
    }

    private static LineNotice Unavailable(string sku, IReadOnlyDictionary<string, SkuLookup> catalog) =>
        catalog.GetValueOrDefault(sku)?.State == State.Discontinued
            ? Notice(LineIssue.Discontinued, "No longer sold.")
            : Notice(LineIssue.UnknownSku, $"The catalog has no SKU {sku}.");

    private static LineNotice Notice(LineIssue issue, string message) => new() { Issue = issue, Message = message };

    private static string Format(Money money) => $"{money.ToDecimal():0.00######} {money.CurrencyCode}";
}
