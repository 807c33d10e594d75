using ECommerce.Contracts.Common.V1;

namespace ECommerce.Users.Accounts;

internal static class AddressRules
{
    public static void Check(Address? address, string prefix, FieldViolations violations)
    {
        if (address is null)
        {
            violations.Add(prefix, "is required");
            return;
        }
        Required(address.RecipientName, $"{prefix}.recipient_name", 100, violations);
        Required(address.Line1, $"{prefix}.line1", 200, violations);
        violations.Check(address.Line2.Length <= 200, $"{prefix}.line2", "must be at most 200 characters");
        Required(address.City, $"{prefix}.city", 100, violations);
        violations.Check(address.Region.Length <= 100, $"{prefix}.region", "must be at most 100 characters");
        Required(address.PostalCode, $"{prefix}.postal_code", 20, violations);
        violations.Check(address.CountryCode.Length == 2 && address.CountryCode.All(char.IsAsciiLetterUpper),
            $"{prefix}.country_code", "must be an ISO 3166-1 alpha-2 code such as \"DE\"");
        violations.Check(address.Phone.Length <= 30, $"{prefix}.phone", "must be at most 30 characters");
    }

    private static void Required(string value, string field, int maxLength, FieldViolations violations)
    {
        violations.Check(!string.IsNullOrWhiteSpace(value), field, "is required");
        violations.Check(value.Length <= maxLength, field, $"must be at most {maxLength} characters");
    }
}
