using NpgsqlTypes;

namespace ECommerce.Shipping.Quotes;

/// <summary>
/// Quotes: priced from the rate table with the catalog's weights, stored one row per option, owned by the customer
/// they were made for and bookable until they expire.
/// </summary>
internal sealed class QuoteKeeper(NpgsqlDataSource dataSource, ICatalogWeights catalog, ShippingOptions options, TimeProvider clock)
{
    /// <param name="items">Normalized (<see cref="QuoteRules.Normalize"/>).</param>
    /// <param name="requested">The items as asked, for the indexes of the ones not sold.</param>
    public async Task<QuoteOutcome> QuoteAsync(string userId, Address address, IReadOnlyList<ShippingItem> items, IReadOnlyList<ShippingItem> requested,
        CancellationToken cancellationToken)
    {
        var weights = await catalog.FindAsync(items.Select(item => item.Sku).ToList(), cancellationToken);
        if (weights.NotSold.Count > 0)
        {
            return new QuoteOutcome.NotSold(requested.Select((item, index) => (item, index)).Where(pair => weights.NotSold.Contains(pair.item.Sku)).Select(pair => pair.index).ToList());
        }
        var table = options.Rates;
        var weight = QuoteRules.Weight(items, weights.GramsBySku, options.DefaultItemWeightGrams);
        var zone = table.ZoneOf(address.CountryCode)!;
        var now = QuoteRules.Microseconds(clock.GetUtcNow());
        var priced = QuoteRules.Price(table, zone, weight, now, options.DispatchCutoffUtc);
        if (priced.Count == 0)
        {
            return new QuoteOutcome.TooHeavy(weight, table.MaxWeightGrams);
        }
        var quotes = priced.Select(option => new StoredQuote(Guid.CreateVersion7(), userId, option.Option, table.Currency, option.Price, address, items, weight, zone,
            option.EstimatedDelivery, now, now + options.QuoteLifetime)).ToList();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        var addressJson = Google.Protobuf.JsonFormatter.Default.Format(address);
        var skus = items.Select(item => item.Sku).ToArray();
        var quantities = items.Select(item => item.Quantity).ToArray();
        foreach (var quote in quotes)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"INSERT INTO quotes ({StoredQuote.Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            {
                Parameters =
                {
                    new() { Value = quote.QuoteId }, new() { Value = userId }, new() { Value = QuoteRules.NameOf(quote.Option) }, new() { Value = quote.Currency },
                    new() { Value = quote.Price }, new() { Value = addressJson, NpgsqlDbType = NpgsqlDbType.Jsonb }, new() { Value = skus }, new() { Value = quantities },
                    new() { Value = weight }, new() { Value = zone }, new() { Value = quote.EstimatedDelivery }, new() { Value = quote.CreatedAt }, new() { Value = quote.ExpiresAt },
                },
            });
        }
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return new QuoteOutcome.Quoted(quotes);
    }

    public async Task<StoredQuote?> GetAsync(Guid quoteId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {StoredQuote.Columns} FROM quotes WHERE quote_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = quoteId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? StoredQuote.Read(reader) : null;
    }
}
