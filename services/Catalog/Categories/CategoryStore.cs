using NpgsqlTypes;

namespace ECommerce.Catalog.Categories;

/// <summary>The category tree in the service's own database.</summary>
internal sealed class CategoryStore(NpgsqlDataSource dataSource)
{
    private const string Columns = "category_id, parent_id, name, slug, description";

    /// <summary>The whole tree, parents before their children, siblings by name.</summary>
    public async Task<List<Category>> ListAllAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            WITH RECURSIVE tree AS (
                SELECT {Columns}, ARRAY[name] AS sort_path FROM categories WHERE parent_id IS NULL
                UNION ALL
                SELECT c.category_id, c.parent_id, c.name, c.slug, c.description, tree.sort_path || c.name
                FROM categories c JOIN tree ON c.parent_id = tree.category_id)
            SELECT {Columns} FROM tree ORDER BY sort_path
            """);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<Category?> FindAsync(Guid categoryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM categories WHERE category_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = categoryId });
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Category ids from the root down to <paramref name="categoryId"/>.</summary>
    public static async Task<List<string>> PathAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid categoryId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            WITH RECURSIVE path AS (
                SELECT category_id, parent_id, 0 AS depth FROM categories WHERE category_id = $1
                UNION ALL
                SELECT c.category_id, c.parent_id, path.depth + 1 FROM categories c JOIN path ON c.category_id = path.parent_id)
            SELECT category_id FROM path ORDER BY depth DESC
            """, connection, transaction) { Parameters = { new() { Value = categoryId } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var path = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            path.Add(reader.GetGuid(0).ToString());
        }
        return path;
    }

    /// <returns>False when the slug is taken.</returns>
    public async Task<bool> TryInsertAsync(Category category, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO categories ({Columns}, created_at) VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (slug) DO NOTHING
            """);
        AddParameters(command, category);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <returns>False when the slug is taken by another category.</returns>
    public async Task<bool> TryUpdateAsync(Category category, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE categories SET parent_id = $2, name = $3, slug = $4, description = $5
            WHERE category_id = $1 AND NOT EXISTS (SELECT 1 FROM categories other WHERE other.slug = $4 AND other.category_id <> $1)
            """);
        AddParameters(command, category);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<CategoryDeletion> DeleteAsync(Guid categoryId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            WITH blockers AS (
                SELECT (SELECT count(*) FROM categories WHERE parent_id = $1) AS children,
                       (SELECT count(*) FROM products WHERE category_id = $1) AS products),
            deleted AS (
                DELETE FROM categories WHERE category_id = $1 AND (SELECT children + products FROM blockers) = 0 RETURNING 1)
            SELECT (SELECT count(*) FROM deleted), children, products, EXISTS (SELECT 1 FROM categories WHERE category_id = $1) FROM blockers
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = categoryId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetInt64(0) == 1 ? new CategoryDeletion.Deleted()
            : !reader.GetBoolean(3) ? new CategoryDeletion.NotFound()
            : new CategoryDeletion.InUse(reader.GetInt64(1), reader.GetInt64(2));
    }

    private static void AddParameters(NpgsqlCommand command, Category category)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = Guid.Parse(category.CategoryId) });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = category.ParentId.Length == 0 ? DBNull.Value : Guid.Parse(category.ParentId),
            NpgsqlDbType = NpgsqlDbType.Uuid,
        });
        command.Parameters.Add(new NpgsqlParameter { Value = category.Name });
        command.Parameters.Add(new NpgsqlParameter { Value = category.Slug });
        command.Parameters.Add(new NpgsqlParameter { Value = category.Description });
    }

    private static async Task<List<Category>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var categories = new List<Category>();
        while (await reader.ReadAsync(cancellationToken))
        {
            categories.Add(new Category
            {
                CategoryId = reader.GetGuid(0).ToString(),
                ParentId = reader.IsDBNull(1) ? "" : reader.GetGuid(1).ToString(),
                Name = reader.GetString(2),
                Slug = reader.GetString(3),
                Description = reader.GetString(4),
            });
        }
        return categories;
    }
}

internal abstract record CategoryDeletion
{
    public sealed record Deleted : CategoryDeletion;
    public sealed record NotFound : CategoryDeletion;
    public sealed record InUse(long Children, long Products) : CategoryDeletion;
}
