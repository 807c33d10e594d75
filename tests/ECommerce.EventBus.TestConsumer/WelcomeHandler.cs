using System.Collections.Concurrent;
using System.Diagnostics;
using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Consuming;
using Npgsql;
using NpgsqlTypes;

namespace ECommerce.EventBus.TestConsumer;

/// <summary>Which consumer instance handled an event, when a test runs several in one group.</summary>
public sealed record ConsumerInstance(string Name);

/// <summary>
/// Welcomes each new user: one row in "welcomed" (one per user) and one in "handled" (one per
/// handled event, in commit order), so a lost, repeated or reordered event shows in the tables.
/// A user named "poison" fails every time; one named "flaky" fails on the first attempt only.
/// </summary>
public sealed class WelcomeHandler(ConcurrentBag<string> attempts, ConsumerInstance instance) : IEventHandler<UserRegistered>
{
    public const string Schema = """
        CREATE TABLE welcomed (user_id text PRIMARY KEY, email text NOT NULL, trace_id text);
        CREATE TABLE handled (position bigserial PRIMARY KEY, event_key text NOT NULL, user_id text NOT NULL, consumer text NOT NULL);
        """;

    public async Task HandleAsync(UserRegistered @event, EventContext context, CancellationToken cancellationToken)
    {
        attempts.Add(@event.UserId);
        if (@event.DisplayName == "poison" || (@event.DisplayName == "flaky" && attempts.Count(user => user == @event.UserId) == 1))
        {
            throw new InvalidOperationException($"cannot welcome {@event.UserId}");
        }
        await using var insert = new NpgsqlBatch(context.Connection, context.Transaction)
        {
            BatchCommands =
            {
                new("INSERT INTO welcomed (user_id, email, trace_id) VALUES ($1, $2, $3)")
                {
                    Parameters =
                    {
                        new() { Value = @event.UserId },
                        new() { Value = @event.Email },
                        new() { Value = (object?)Activity.Current?.TraceId.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                    },
                },
                new("INSERT INTO handled (event_key, user_id, consumer) VALUES ($1, $2, $3)")
                {
                    Parameters = { new() { Value = context.Key }, new() { Value = @event.UserId }, new() { Value = instance.Name } },
                },
            },
        };
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
