using ECommerce.Users.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace ECommerce.Users.Tests;

public sealed class DomainRuleTests
{
    [Theory]
    [InlineData("ada@shop.example", true)]
    [InlineData("  Ada.Lovelace+news@Shop.Example ", true)]
    [InlineData("ada", false)]
    [InlineData("ada@localhost", false)]
    [InlineData("ada@@shop.example", false)]
    [InlineData("", false)]
    public void Email_addresses_are_validated(string email, bool valid) => Assert.Equal(valid, EmailAddress.IsValid(email));

    [Fact]
    public void Email_addresses_compare_without_case_or_surrounding_spaces() =>
        Assert.Equal(EmailAddress.Normalize("ada@shop.example"), EmailAddress.Normalize("  ADA@Shop.Example "));

    [Theory]
    [InlineData("short", "must be at least 12 characters")]
    [InlineData("ada@shop.example", "must not be the email address")]
    [InlineData("correct horse battery staple", null)]
    public void Passwords_need_length_not_composition(string password, string? problem) =>
        Assert.Equal(problem, PasswordPolicy.Check(password, "ada@shop.example"));

    [Fact]
    public void Overlong_passwords_are_refused_before_they_reach_the_slow_hash() =>
        Assert.Equal("must be at most 128 characters", PasswordPolicy.Check(new string('x', 129), "ada@shop.example"));

    [Fact]
    public void Passwords_are_hashed_with_pbkdf2_sha512_at_210000_iterations_and_a_random_salt()
    {
        var hashing = new PasswordHashing();

        var first = hashing.Hash("correct horse battery staple");
        var second = hashing.Hash("correct horse battery staple");

        Assert.NotEqual(first, second);
        var bytes = Convert.FromBase64String(first);
        Assert.Equal(0x01, bytes[0]); // Identity V3 format
        Assert.Equal(2u, ReadBigEndian(bytes, 1)); // HMAC-SHA512
        Assert.Equal((uint)PasswordHashing.Iterations, ReadBigEndian(bytes, 5));
        Assert.Equal(PasswordCheck.Right, hashing.Verify(first, "correct horse battery staple"));
        Assert.Equal(PasswordCheck.Wrong, hashing.Verify(first, "correct horse battery stable"));
        Assert.Equal(PasswordCheck.Wrong, hashing.Verify(null, "correct horse battery staple"));
    }

    [Fact]
    public void A_hash_made_at_a_lower_cost_is_accepted_and_flagged_for_rehashing()
    {
        var weak = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { IterationCount = 10_000 })).HashPassword(new object(), "correct horse battery staple");

        Assert.Equal(PasswordCheck.RightButRehash, new PasswordHashing().Verify(weak, "correct horse battery staple"));
    }

    private static uint ReadBigEndian(byte[] bytes, int offset) =>
        (uint)(bytes[offset] << 24 | bytes[offset + 1] << 16 | bytes[offset + 2] << 8 | bytes[offset + 3]);
}
