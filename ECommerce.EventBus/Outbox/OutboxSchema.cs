using Npgsql;

namespace ECommerce.EventBus.Outbox;

/// <summary>The two tables the event bus keeps in each service's own database.</summary>
public static class OutboxSchema
{
    public const string NotifyChannel = "ecommerce_outbox";

    // Concurrent CREATE ... IF NOT EXISTS can still collide in PostgreSQL's catalog, so the
    // relay and the consumer, which both call this at start, take turns.
    private const string Sql = """
        SELECT pg_advisory_xact_lock(3235823);
        CREATE TABLE IF NOT EXISTS outbox_events (
            sequence      bigserial   PRIMARY KEY,
            event_id      uuid        NOT NULL UNIQUE,
            topic         text        NOT NULL,
            event_key     text        NOT NULL,
            event_type    text        NOT NULL,
            payload       bytea       NOT NULL,
            occurred_at   timestamptz NOT NULL,
            traceparent   text,
            tracestate    text,
            published_at  timestamptz
        );
        CREATE INDEX IF NOT EXISTS outbox_events_unpublished ON outbox_events (sequence) WHERE published_at IS NULL;

        CREATE TABLE IF NOT EXISTS processed_events (
            consumer_group text        NOT NULL,
            event_id       uuid        NOT NULL,
            event_type     text        NOT NULL,
            processed_at   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (consumer_group, event_id)
        );
        """;

    public static async Task EnsureCreatedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Sql, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
