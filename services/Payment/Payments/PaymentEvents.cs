using ECommerce.Contracts.Events.V1;
using ECommerce.EventBus.Outbox;
using Google.Protobuf;
using Npgsql;

namespace ECommerce.Payment.Payments;

/// <summary>The events a change of a payment announces, recorded in the transaction of the change.</summary>
internal static class PaymentEvents
{
    public static IEnumerable<IMessage> For(StoredPayment before, StoredPayment after, string reason)
    {
        var id = after.PaymentId.ToString();
        if (before.Status == PaymentState.Pending && after.Status != PaymentState.Pending)
        {
            if (after.Status is PaymentState.Declined or PaymentState.Failed)
            {
                yield return new PaymentFailed { PaymentId = id, OrderId = after.OrderId, Amount = PaymentRules.ToMoney(after.Amount, after.Currency), Reason = after.DeclineReason };
                yield break;
            }
            yield return new PaymentAuthorized { PaymentId = id, OrderId = after.OrderId, Amount = PaymentRules.ToMoney(after.Amount, after.Currency) };
        }
        if (after.Captured > before.Captured)
        {
            yield return new PaymentCaptured { PaymentId = id, OrderId = after.OrderId, Amount = PaymentRules.ToMoney(after.Captured, after.Currency) };
        }
        if (after.Status == PaymentState.Voided && before.Status != PaymentState.Voided)
        {
            yield return new PaymentVoided { PaymentId = id, OrderId = after.OrderId, Amount = PaymentRules.ToMoney(after.Amount, after.Currency) };
        }
        if (after.Refunded > before.Refunded)
        {
            yield return new PaymentRefunded
            {
                PaymentId = id,
                OrderId = after.OrderId,
                Amount = PaymentRules.ToMoney(after.Refunded - before.Refunded, after.Currency),
                TotalRefunded = PaymentRules.ToMoney(after.Refunded, after.Currency),
                Reason = reason,
            };
        }
    }

    public static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredPayment before, StoredPayment after, string reason,
        CancellationToken cancellationToken)
    {
        foreach (var @event in For(before, after, reason))
        {
            await Outbox.AddAsync(connection, transaction, after.OrderId, @event, cancellationToken);
        }
    }
}
