using System.Text;
using System.Text.RegularExpressions;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Search.V1;
using Npgsql;
using NpgsqlTypes;

namespace ECommerce.Search.Engine.Postgres;

/// <summary>
/// Search and suggestions over the products table: full-text search (weighted tsvector, GIN) ranks
/// matches; when nothing matches, each word is corrected to the closest known word (pg_trgm over
/// search_words) and the corrected query is searched instead.
/// </summary>
internal sealed partial class PostgresSearchEngine(NpgsqlDataSource dataSource) : ISearchEngine
{
    /// <summary>Facet values returned per facet, most frequent first.</summary>
    private const int MaxFacetValues = 50;

    private const string HitColumns = "product_id, name, brand, category_id, currency_code, price, in_stock, image_url, description";

    public async Task<SearchResults> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        if (query.Text.Length == 0)
        {
            return await SearchAsync(query, Matching.All, cancellationToken);
        }
        var exact = await SearchAsync(query, Matching.FullText, cancellationToken);
        if (exact.TotalSize > 0)
        {
            return exact;
        }
        var corrected = await CorrectSpellingAsync(query.Text, cancellationToken);
        if (corrected.Length == 0)
        {
            return exact;
        }
        var respelt = await SearchAsync(query with { Text = corrected }, Matching.FullText, cancellationToken);
        return respelt.TotalSize > 0 ? respelt with { CorrectedQuery = corrected } : exact;
    }

    public async Task<IReadOnlyList<string>> SuggestAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var names = await NamesStartingWithAsync(prefix, limit, cancellationToken);
        if (names.Count > 0)
        {
            return names;
        }
        var corrected = await CorrectSpellingAsync(prefix, cancellationToken);
        return corrected.Length == 0 ? names : await NamesStartingWithAsync(corrected, limit, cancellationToken);
    }

    /// <summary>Names that start with what was typed first, then names with words that start with each typed word.</summary>
    private async Task<List<string>> NamesStartingWithAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var typed = prefix.Trim().ToLowerInvariant();
        var words = WordPattern().Matches(typed).Select(match => match.Value + ":*").ToList();
        await using var command = dataSource.CreateCommand($"""
            SELECT name FROM products
            WHERE NOT deleted AND (lower(name) LIKE $1 {(words.Count > 0 ? "OR to_tsvector('simple', name) @@ to_tsquery('simple', $3)" : "")})
            GROUP BY name
            ORDER BY min(CASE WHEN lower(name) LIKE $1 THEN 0 ELSE 1 END), length(name), name
            LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = EscapeLike(typed) + "%" });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = string.Join(" & ", words) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    private enum Matching { All, FullText }

    private async Task<SearchResults> SearchAsync(SearchQuery query, Matching matching, CancellationToken cancellationToken)
    {
        var (matchCondition, score) = matching == Matching.FullText
            ? ("document @@ websearch_to_tsquery('english', $1)",
                // An exact name beats every partial match; otherwise ts_rank's weights (name A … description D) decide.
                "CASE WHEN lower(name) = lower($1) THEN 1 ELSE 0 END + ts_rank(document, websearch_to_tsquery('english', $1), 1)")
            : ("true", "0");
        var highlight = matching == Matching.FullText
            ? """
              CASE WHEN to_tsvector('english', name) @@ websearch_to_tsquery('english', $1)
                   THEN ts_headline('english', name, websearch_to_tsquery('english', $1), 'StartSel=<b>, StopSel=</b>, HighlightAll=true')
                   ELSE ts_headline('english', description, websearch_to_tsquery('english', $1), 'StartSel=<b>, StopSel=</b>, MaxWords=20, MinWords=5')
              END
              """
            : "name";
        var order = query.Sort switch
        {
            SortOrder.PriceAscending => "price ASC NULLS LAST, product_id",
            SortOrder.PriceDescending => "price DESC NULLS LAST, product_id",
            SortOrder.Name => "lower(name), product_id",
            SortOrder.Newest => "created_at DESC, product_id",
            _ when matching == Matching.All => "created_at DESC, product_id",
            _ => "score DESC, product_id",
        };

        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand();
        var pageFilter = Filter(query, matchCondition, page.Parameters);
        page.CommandText = $"""
            SELECT {HitColumns}, score, {highlight} FROM (
                SELECT {HitColumns}, created_at, ({score})::float8 AS score FROM products
                WHERE {pageFilter}
                ORDER BY {order}
                LIMIT {query.PageSize} OFFSET {query.Offset}) page
            ORDER BY {order}
            """;
        batch.BatchCommands.Add(page);
        var facets = new NpgsqlBatchCommand();
        var facetFilter = Filter(query, matchCondition, facets.Parameters);
        facets.Parameters.Add(new() { Value = query.FacetAttributes.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var facetNames = "$" + facets.Parameters.Count;
        // The first row is the total; facets count over exactly the rows the page was cut from.
        facets.CommandText = $"""
            WITH matched AS (SELECT brand, category_path, attributes FROM products WHERE {facetFilter})
            SELECT '' AS facet, '' AS value, count(*) FROM matched
            UNION ALL
            SELECT '{SearchQuery.BrandFacet}', brand, count(*) FROM matched WHERE brand <> '' GROUP BY brand
            UNION ALL
            SELECT '{SearchQuery.CategoryFacet}', category, count(*) FROM matched, unnest(category_path) category GROUP BY category
            UNION ALL
            SELECT split_part(attribute, '=', 1), substr(attribute, strpos(attribute, '=') + 1), count(*)
            FROM matched, unnest(attributes) attribute
            WHERE split_part(attribute, '=', 1) = ANY({facetNames})
            GROUP BY attribute
            """;
        batch.BatchCommands.Add(facets);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SearchHit
            {
                ProductId = reader.GetString(0),
                Name = reader.GetString(1),
                Brand = reader.GetString(2),
                CategoryId = reader.GetString(3),
                Price = reader.IsDBNull(5) ? null : Money.FromDecimal(reader.GetString(4), reader.GetDecimal(5)),
                InStock = reader.GetBoolean(6),
                ImageUrl = reader.GetString(7),
                Score = (float)reader.GetDouble(9),
                Highlight = reader.GetString(10),
            });
        }
        await reader.NextResultAsync(cancellationToken);
        long total = 0;
        var counts = new Dictionary<string, List<FacetValue>>
        {
            [SearchQuery.BrandFacet] = [],
            [SearchQuery.CategoryFacet] = [],
        };
        foreach (var name in query.FacetAttributes)
        {
            counts.TryAdd(name, []);
        }
        while (await reader.ReadAsync(cancellationToken))
        {
            var (facet, value, count) = (reader.GetString(0), reader.GetString(1), reader.GetInt64(2));
            if (facet.Length == 0)
            {
                total = count;
            }
            else
            {
                counts[facet].Add(new FacetValue { Value = value, Count = count });
            }
        }
        var facetList = counts.Select(facet => new Facet
        {
            Name = facet.Key,
            Values = { facet.Value.OrderByDescending(value => value.Count).ThenBy(value => value.Value, StringComparer.Ordinal).Take(MaxFacetValues) },
        }).ToList();
        return new SearchResults(hits, facetList, total, "");
    }

    /// <summary>
    /// The SQL condition for every filter of <paramref name="query"/>, with its parameters added to
    /// <paramref name="parameters"/>; $1 is always the query text.
    /// </summary>
    private static string Filter(SearchQuery query, string matchCondition, NpgsqlParameterCollection parameters)
    {
        string Parameter(object value, NpgsqlDbType type)
        {
            parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return "$" + parameters.Count;
        }

        Parameter(query.Text, NpgsqlDbType.Text);
        var where = new StringBuilder("NOT deleted AND ").Append(matchCondition);
        if (query.CategoryId.Length > 0)
        {
            where.Append($" AND category_path @> ARRAY[{Parameter(query.CategoryId, NpgsqlDbType.Text)}]");
        }
        if (query.CurrencyCode is not null)
        {
            where.Append($" AND currency_code = {Parameter(query.CurrencyCode, NpgsqlDbType.Text)}");
        }
        if (query.MinPrice is { } min)
        {
            where.Append($" AND price >= {Parameter(min, NpgsqlDbType.Numeric)}");
        }
        if (query.MaxPrice is { } max)
        {
            where.Append($" AND price <= {Parameter(max, NpgsqlDbType.Numeric)}");
        }
        foreach (var filter in query.AttributeFilters)
        {
            where.Append(filter.Name == SearchQuery.BrandFacet
                ? $" AND brand = ANY({Parameter(filter.Values.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})"
                : $" AND attributes && {Parameter(filter.Values.Select(value => ProductRow.Attribute(filter.Name, value)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)}");
        }
        if (query.InStockOnly)
        {
            where.Append(" AND in_stock");
        }
        return where.ToString();
    }

    /// <summary>
    /// Each typed word replaced by the closest known word of names, brands and option values, e.g.
    /// "snekaers" → "sneakers"; known words stay. Empty when nothing would change.
    /// </summary>
    private async Task<string> CorrectSpellingAsync(string typed, CancellationToken cancellationToken)
    {
        var words = WordPattern().Matches(typed.ToLowerInvariant()).Select(match => match.Value).ToArray();
        // pg_trgm's % keeps words at least 0.3 similar (its default threshold), enough for a wrong, missing or swapped letter.
        await using var command = dataSource.CreateCommand("""
            SELECT string_agg(coalesce(closest.word, typed.word), ' ' ORDER BY typed.position)
            FROM unnest($1::text[]) WITH ORDINALITY typed(word, position)
            LEFT JOIN LATERAL (
                SELECT word FROM search_words WHERE word % typed.word ORDER BY word <-> typed.word LIMIT 1) closest ON true
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = words });
        var corrected = await command.ExecuteScalarAsync(cancellationToken) as string ?? "";
        return corrected == string.Join(' ', words) ? "" : corrected;
    }

    private static string EscapeLike(string text) => text.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_");

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();
}
