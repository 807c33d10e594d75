using ECommerce.ServiceDefaults.Logging;

namespace ECommerce.ServiceDefaults.Tests;

public sealed class LogRedactionTests
{
    [Theory]
    [InlineData("authorization: Bearer abc.def-ghi", "authorization: Bearer [REDACTED]")]
    [InlineData("Basic dXNlcjpwYXNz==", "Basic [REDACTED]")]
    [InlineData("?password=hunter2&next=/", "?password=[REDACTED]&next=/")]
    [InlineData("{\"refresh_token\": \"abc123\"}", "{\"refresh_token\": \"[REDACTED]\"}")]
    [InlineData("card 4111111111111111 ok", "card [REDACTED] ok")]
    [InlineData("card 4111-1111-1111-1111.", "card [REDACTED].")]
    [InlineData("mail jane.doe+shop@example.co.uk now", "mail j***@example.co.uk now")]
    public void Secrets_in_text_are_removed_and_addresses_masked(string text, string expected) =>
        Assert.Equal(expected, LogRedaction.Text(text));

    [Theory]
    [InlineData("order 12345 for 3 items at 2026-12-05T07:00:00Z")]
    [InlineData("trace 4bf92f3577b34da6a3ce929d0e0e4736 span 00f067aa0ba902b7")]
    [InlineData("product 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    public void Ordinary_ids_numbers_and_times_are_kept(string text) => Assert.Equal(text, LogRedaction.Text(text));

    [Theory]
    [InlineData("Password")]
    [InlineData("ClientSecret")]
    [InlineData("access_token")]
    [InlineData("Authorization")]
    [InlineData("api-key")]
    [InlineData("CardNumber")]
    [InlineData("PAN")]
    [InlineData("Cvc")]
    public void Attributes_named_like_secrets_lose_their_value(string name) => Assert.Equal(LogRedaction.Removed, LogRedaction.Attribute(name, "anything"));

    [Fact]
    public void Other_attributes_keep_their_value() => Assert.Equal("acme", LogRedaction.Attribute("Company", "acme"));
}
