using ECommerce.Contracts.Payment.V1;
using static ECommerce.Payment.Tests.PaymentShop;

namespace ECommerce.Payment.Tests;

/// <summary>No card number or CVC in any log, with every path taken, and a card number sent where a token belongs.</summary>
public sealed class LogTests(PaymentTestEnvironment shop)
{
    private const string Cvc = "737";

    [Fact]
    public async Task No_log_of_the_service_or_the_provider_contains_a_card_number_or_the_cvc()
    {
        foreach (var card in TestCardNumbers)
        {
            var request = new AuthorizeRequest(await shop.Shop.AuthorizationRequestAsync(shop.CustomerId, card)) { PaymentMethodToken = await shop.Shop.Sandbox.TokeniseAsync(card, Cvc) };
            var payment = (await shop.Payments.AuthorizeAsync(request, shop.Orders)).Payment;
            if (payment.Status == PaymentStatus.Authorized)
            {
                await shop.Payments.CaptureAsync(new CaptureRequest { PaymentId = payment.PaymentId, IdempotencyKey = NewKey() }, shop.Orders);
                await shop.Payments.RefundAsync(new RefundRequest { PaymentId = payment.PaymentId, IdempotencyKey = NewKey(), Amount = Euros(1) }, shop.Orders);
            }
            await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => shop.Payments.AuthorizeAsync(new AuthorizeRequest(request) { IdempotencyKey = NewKey(), PaymentMethodToken = card }, shop.Orders).ResponseAsync);
        }

        var logs = await ReadSharedAsync(shop.Shop.Process.LogFile) + await ReadSharedAsync(shop.Shop.Sandbox.LogFile);

        // The logs hold what happened (so the check reads real logs), just no card data.
        Assert.Contains("→ authorized", logs);
        Assert.Contains("/v1/payment_methods", logs);
        Assert.All(TestCardNumbers, card => Assert.DoesNotContain(card, logs));
        Assert.All(TestCardNumbers, card => Assert.DoesNotContain(string.Join(' ', card.Chunk(4).Select(group => new string(group))), logs));
        Assert.DoesNotContain($"\"{Cvc}\"", logs);
    }

    // The process still writes to it.
    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return await new StreamReader(stream).ReadToEndAsync();
    }
}
