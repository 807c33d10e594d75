using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using ECommerce.LocalInfrastructure;
using Microsoft.Extensions.Configuration;

namespace ECommerce.AppHost.Infrastructure;

/// <summary>
/// Where the servers keep their data: the repository's git-ignored <c>.data</c> folder, kept across runs, or
/// (<c>AppHost:ThrowawayData=true</c>, as tests run it) temporary folders deleted when the servers stop.
/// <c>AppHost:DataDirectory</c> chooses another folder.
/// </summary>
internal sealed class DataPlacement(string directory, bool throwaway)
{
    public bool IsThrowaway => throwaway;

    public static DataPlacement From(IDistributedApplicationBuilder builder) => new(
        builder.Configuration["AppHost:DataDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(builder.AppHostDirectory).TrimEnd('/'))!, ".data"),
        builder.Configuration.GetValue("AppHost:ThrowawayData", false));

    public DataLifetime For(string server) => throwaway ? DataLifetime.Throwaway : DataLifetime.PersistentIn(Path.Combine(directory, server));

    /// <summary>
    /// A generated password as a secret parameter (<c>Parameters:&lt;name&gt;</c> in configuration overrides it). With
    /// kept data it is kept beside the data, where the server's first start stored it: the data and its password go together.
    /// </summary>
    public IResourceBuilder<ParameterResource> AddPassword(IDistributedApplicationBuilder builder, string name, string passwordFile) =>
        builder.AddParameter(name, throwaway ? new GenerateParameterDefault { MinLength = 32, Special = false } : new PasswordFile(Path.Combine(directory, passwordFile)), secret: true);

    private sealed class PasswordFile(string path) : ParameterDefault
    {
        public override string GetDefaultValue()
        {
            if (File.Exists(path))
            {
                return File.ReadAllText(path).Trim();
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
            File.WriteAllText(path, password);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            return password;
        }

        public override void WriteToManifest(ManifestPublishingContext context) => new GenerateParameterDefault().WriteToManifest(context);
    }
}
