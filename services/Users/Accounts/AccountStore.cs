using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Users.V1;
using Google.Protobuf;

namespace ECommerce.Users.Accounts;

/// <summary>Users and their addresses in the service's own database.</summary>
internal sealed class AccountStore(NpgsqlDataSource dataSource)
{
    private const string UserColumns = "user_id, email, display_name, roles, password_hash, created_at, updated_at";

    /// <returns>False when the email address already has an account.</returns>
    public async Task<bool> TryCreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UserAccount account, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand($"""
            INSERT INTO users ({UserColumns}, email_normalized) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (email_normalized) DO NOTHING
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = account.UserId }, new() { Value = account.Email }, new() { Value = account.DisplayName },
                new() { Value = account.Roles }, new() { Value = account.PasswordHash }, new() { Value = account.CreatedAt },
                new() { Value = account.UpdatedAt }, new() { Value = EmailAddress.Normalize(account.Email) },
            },
        };
        return await insert.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<UserAccount?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns} FROM users WHERE email_normalized = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = EmailAddress.Normalize(email) });
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<UserAccount?> FindAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {UserColumns} FROM users WHERE user_id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <returns>The updated account, or null when another account already has the new email address.</returns>
    public async Task<UserAccount?> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, UserAccount account, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            UPDATE users SET email = $2, email_normalized = $3, display_name = $4, roles = $5, password_hash = $6, updated_at = $7
            WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM users other WHERE other.email_normalized = $3 AND other.user_id <> $1)
            RETURNING {UserColumns}
            """, connection, transaction)
        {
            Parameters =
            {
                new() { Value = account.UserId }, new() { Value = account.Email }, new() { Value = EmailAddress.Normalize(account.Email) },
                new() { Value = account.DisplayName }, new() { Value = account.Roles }, new() { Value = account.PasswordHash },
                new() { Value = account.UpdatedAt },
            },
        };
        return await ReadSingleAsync(command, cancellationToken);
    }

    public async Task<List<UserAddress>> ListAddressesAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT address_id, label, address, is_default FROM addresses WHERE user_id = $1 ORDER BY created_at");
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var addresses = new List<UserAddress>();
        while (await reader.ReadAsync(cancellationToken))
        {
            addresses.Add(new UserAddress
            {
                AddressId = reader.GetGuid(0).ToString(),
                Label = reader.GetString(1),
                Address = Address.Parser.ParseFrom((byte[])reader[2]),
                IsDefault = reader.GetBoolean(3),
            });
        }
        return addresses;
    }

    /// <summary>Adds or replaces an address; making it the default clears the others'. False if the user has no such address.</summary>
    public async Task<bool> SaveAddressAsync(Guid userId, Guid addressId, UserAddress address, bool isNew, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (address.IsDefault)
        {
            await using var clear = new NpgsqlCommand("UPDATE addresses SET is_default = false WHERE user_id = $1", connection, transaction) { Parameters = { new() { Value = userId } } };
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var save = new NpgsqlCommand(isNew
            ? "INSERT INTO addresses (address_id, user_id, label, address, is_default, created_at) VALUES ($1, $2, $3, $4, $5, now())"
            : "UPDATE addresses SET label = $3, address = $4, is_default = $5 WHERE address_id = $1 AND user_id = $2", connection, transaction)
        {
            Parameters =
            {
                new() { Value = addressId }, new() { Value = userId }, new() { Value = address.Label },
                new() { Value = address.Address.ToByteArray() }, new() { Value = address.IsDefault },
            },
        };
        var saved = await save.ExecuteNonQueryAsync(cancellationToken) == 1;
        if (saved)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return saved;
    }

    public async Task<bool> DeleteAddressAsync(Guid userId, Guid addressId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM addresses WHERE address_id = $1 AND user_id = $2");
        command.Parameters.Add(new NpgsqlParameter { Value = addressId });
        command.Parameters.Add(new NpgsqlParameter { Value = userId });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<UserAccount?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new UserAccount(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<string[]>(3),
            reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6));
    }
}
