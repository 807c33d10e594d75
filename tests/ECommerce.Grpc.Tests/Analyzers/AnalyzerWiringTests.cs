using System.Reflection;
using ECommerce.Grpc.Tests.Peers;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Grpc.Tests.Analyzers;

/// <summary>
/// Builds a throwaway project inside the repository the way a new service would be set up (a
/// ProjectReference to ECommerce.Grpc and a .proto, nothing else) to prove the root
/// Directory.Build.targets really puts ECGRPC001 into its build.
/// </summary>
public sealed class AnalyzerWiringTests : IDisposable
{
    private readonly DirectoryInfo _project = Directory.CreateDirectory(
        Path.Combine(AppContext.BaseDirectory, "analyzer-wiring", Guid.NewGuid().ToString("N")));

    [Fact]
    public async Task ServiceProjectReferencingECommerceGrpc_FailsToBuildWhenAnRpcIsNotImplemented()
    {
        await File.WriteAllTextAsync(Path.Combine(_project.FullName, "Wiring.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <PackageReference Include="Grpc.Tools" PrivateAssets="all" />
                <ProjectReference Include="{PeerTools.RepositoryRoot}/ECommerce.Grpc/ECommerce.Grpc.csproj" />
                <Protobuf Include="shop.proto" GrpcServices="Server" />
              </ItemGroup>
            </Project>
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_project.FullName, "shop.proto"), """
            syntax = "proto3";
            package wiring.v1;
            service Shop {
              rpc GetItem(Item) returns (Item);
              rpc AddedLater(Item) returns (Item);
            }
            message Item { string id = 1; }
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_project.FullName, "ShopService.cs"), """
            using Grpc.Core;
            using Wiring.V1;

            namespace Wiring;

            public sealed class ShopService : Shop.ShopBase
            {
                public override Task<Item> GetItem(Item request, ServerCallContext context) => Task.FromResult(request);
            }
            """, TestContext.Current.CancellationToken);

        // ECommerce.Grpc and the analyzer were built with this test project, in its configuration.
        var configuration = typeof(AnalyzerWiringTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        await using var build = await ChildProcess.StartCapturedAsync("dotnet",
            ["build", "-c", configuration, "-p:BuildProjectReferences=false", "-p:UseSharedCompilation=false", "-nodeReuse:false", "-v:quiet", "-nologo"],
            new Dictionary<string, string> { ["MSBUILDDISABLENODEREUSE"] = "1", ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" },
            _project.FullName);
        var exitCode = await build.WaitForExitAsync(TimeSpan.FromSeconds(240));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error ECGRPC001: 'ShopService' does not override rpc 'AddedLater' of 'Wiring.V1.Shop.ShopBase'", build.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("'GetItem'", build.Stdout, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Delete(recursive: true);
}
