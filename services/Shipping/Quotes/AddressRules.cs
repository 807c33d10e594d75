using System.Text.RegularExpressions;

namespace ECommerce.Shipping.Quotes;

/// <summary>
/// What makes a delivery address usable: the fields a carrier needs, an ISO 3166-1 alpha-2 country that the rate
/// table serves, and a postal code in that country's format. Every violation names its field (<c>address.postal_code</c>).
/// </summary>
internal static partial class AddressRules
{
    /// <summary>Every officially assigned ISO 3166-1 alpha-2 code.</summary>
    private static readonly HashSet<string> CountryCodes = new("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
        JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
        MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
        RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
        TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    /// <summary>Postal-code formats (upper case, as written) of the countries the default rate table serves, and a few more.</summary>
    private static readonly Dictionary<string, (Regex Pattern, string Example)> PostalCodes = new(StringComparer.Ordinal)
    {
        ["AT"] = (FourDigits(), "1010"),
        ["AU"] = (FourDigits(), "2000"),
        ["BE"] = (FourDigits(), "1000"),
        ["CA"] = (Canada(), "K1A 0B1"),
        ["CH"] = (FourDigits(), "8001"),
        ["CZ"] = (ThreeTwo(), "110 00"),
        ["DE"] = (FiveDigits(), "10115"),
        ["DK"] = (FourDigits(), "1050"),
        ["ES"] = (FiveDigits(), "28001"),
        ["FI"] = (FiveDigits(), "00100"),
        ["FR"] = (FiveDigits(), "75001"),
        ["GB"] = (UnitedKingdom(), "SW1A 1AA"),
        ["IE"] = (Eircode(), "D02 X285"),
        ["IT"] = (FiveDigits(), "00184"),
        ["JP"] = (Japan(), "100-0001"),
        ["LU"] = (FourDigits(), "1009"),
        ["NL"] = (Netherlands(), "1012 AB"),
        ["NO"] = (FourDigits(), "0150"),
        ["PL"] = (Poland(), "00-001"),
        ["PT"] = (Portugal(), "1000-001"),
        ["SE"] = (ThreeTwo(), "111 22"),
        ["US"] = (UnitedStates(), "10001 or 10001-1234"),
    };

    public static bool IsCountryCode(string code) => CountryCodes.Contains(code);

    public static void Check(Address? address, RateTable table, FieldViolations violations)
    {
        if (address is null)
        {
            violations.Add("address", "is required");
            return;
        }
        Required(address.RecipientName, "address.recipient_name", 100, violations);
        Required(address.Line1, "address.line1", 200, violations);
        violations.Check(address.Line2.Length <= 200, "address.line2", "must be at most 200 characters");
        Required(address.City, "address.city", 100, violations);
        violations.Check(address.Region.Length <= 100, "address.region", "must be at most 100 characters")
            .Check(address.Phone.Length <= 30 && address.Phone.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')'), "address.phone",
                "must be at most 30 digits, spaces and + - ( )");
        var country = address.CountryCode;
        if (!IsCountryCode(country))
        {
            violations.Add("address.country_code", "must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE");
        }
        else if (table.ZoneOf(country) is null)
        {
            violations.Add("address.country_code", $"is not a country we ship to (we ship to {string.Join(", ", table.Countries)})");
        }
        else if (PostalCodes.TryGetValue(country, out var format))
        {
            violations.Check(format.Pattern.IsMatch(address.PostalCode.Trim().ToUpperInvariant()), "address.postal_code",
                $"is not a postal code of {country} (e.g. {format.Example})");
        }
        else
        {
            Required(address.PostalCode, "address.postal_code", 12, violations);
        }
    }

    /// <summary>The address as stored and sent to the carrier: trimmed, postal code in upper case.</summary>
    public static Address Normalize(Address address) => new()
    {
        RecipientName = address.RecipientName.Trim(),
        Line1 = address.Line1.Trim(),
        Line2 = address.Line2.Trim(),
        City = address.City.Trim(),
        Region = address.Region.Trim(),
        PostalCode = address.PostalCode.Trim().ToUpperInvariant(),
        CountryCode = address.CountryCode,
        Phone = address.Phone.Trim(),
    };

    private static void Required(string value, string field, int maxLength, FieldViolations violations) =>
        violations.Check(!string.IsNullOrWhiteSpace(value) && value.Length <= maxLength, field, $"is required and at most {maxLength} characters");

    [GeneratedRegex(@"^\d{4}$")]
    private static partial Regex FourDigits();

    [GeneratedRegex(@"^\d{5}$")]
    private static partial Regex FiveDigits();

    [GeneratedRegex(@"^\d{3} ?\d{2}$")]
    private static partial Regex ThreeTwo();

    [GeneratedRegex(@"^\d{4} ?[A-Z]{2}$")]
    private static partial Regex Netherlands();

    [GeneratedRegex(@"^\d{2}-\d{3}$")]
    private static partial Regex Poland();

    [GeneratedRegex(@"^\d{4}-\d{3}$")]
    private static partial Regex Portugal();

    [GeneratedRegex(@"^\d{3}-\d{4}$")]
    private static partial Regex Japan();

    [GeneratedRegex(@"^\d{5}(-\d{4})?$")]
    private static partial Regex UnitedStates();

    [GeneratedRegex(@"^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$")]
    private static partial Regex Canada();

    [GeneratedRegex(@"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")]
    private static partial Regex UnitedKingdom();

    [GeneratedRegex(@"^([AC-FHKNPRTV-Y]\d{2}|D6W) ?[0-9AC-FHKNPRTV-Y]{4}$")]
    private static partial Regex Eircode();
}
