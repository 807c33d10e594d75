namespace ECommerce.PaymentSandbox;

/// <summary>What an authorization against a card does. Chosen by the card number at tokenisation; the number itself is kept nowhere.</summary>
internal enum CardBehaviour
{
    Approve,
    InsufficientFunds,
    StolenCard,
    ExpiredCard,
    IncorrectCvc,
    ProcessingError,
    SlowAnswer,
    AnswerLost,
}

/// <summary>The documented test cards (README), and Luhn. Any other Luhn-valid number is approved.</summary>
internal static class TestCards
{
    public static readonly IReadOnlyDictionary<string, CardBehaviour> Numbers = new Dictionary<string, CardBehaviour>
    {
        ["4242424242424242"] = CardBehaviour.Approve,
        ["5555555555554444"] = CardBehaviour.Approve,
        ["4000000000009995"] = CardBehaviour.InsufficientFunds,
        ["4000000000009979"] = CardBehaviour.StolenCard,
        ["4000000000000069"] = CardBehaviour.ExpiredCard,
        ["4000000000000127"] = CardBehaviour.IncorrectCvc,
        ["4000000000000119"] = CardBehaviour.ProcessingError,
        ["4000000000000077"] = CardBehaviour.SlowAnswer,
        ["4000000000000101"] = CardBehaviour.AnswerLost,
    };

    public static CardBehaviour BehaviourOf(string number) => Numbers.GetValueOrDefault(number, CardBehaviour.Approve);

    public static string? DeclineCode(CardBehaviour behaviour) => behaviour switch
    {
        CardBehaviour.InsufficientFunds => "insufficient_funds",
        CardBehaviour.StolenCard => "stolen_card",
        CardBehaviour.ExpiredCard => "expired_card",
        CardBehaviour.IncorrectCvc => "incorrect_cvc",
        CardBehaviour.ProcessingError => "processing_error",
        _ => null,
    };

    public static bool PassesLuhn(string number)
    {
        if (number.Length is < 12 or > 19 || !number.All(char.IsAsciiDigit))
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var digit = number[number.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
            }
            sum += digit;
        }
        return sum % 10 == 0;
    }

    public static string Brand(string number) => number[0] switch
    {
        '4' => "visa",
        '5' => "mastercard",
        '3' => "amex",
        _ => "unknown",
    };
}
