using System.Reflection;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ECommerce.Testing;

/// <summary>
/// A service of this repository running as its own process, the way the AppHost runs it:
/// <c>dotnet services/&lt;Name&gt;/bin/…/ECommerce.&lt;Name&gt;.dll</c>, configured by Aspire-convention
/// environment variables, listening for gRPC on 127.0.0.1, and ready once grpc.health.v1 says SERVING.
/// </summary>
/// <remarks>
/// A test project that runs a service this way builds it first with a ProjectReference that has
/// <c>ReferenceOutputAssembly="false"</c>.
/// </remarks>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ServiceProcess(ChildProcess process, Uri address)
    {
        _process = process;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    public Uri Address { get; }
    public GrpcChannel Channel { get; }
    public string LogFile => _process.LogFile;

    /// <param name="service">The folder under services/, e.g. "Users".</param>
    /// <param name="environment">Its settings; its records stay off Kafka's logs topic unless <c>Logging__Kafka__Enabled</c> says true.</param>
    /// <param name="address">Where it listens; a free port when null (a restarted service passes its old address, so its callers find it again).</param>
    public static async Task<ServiceProcess> StartAsync(string service, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default,
        Uri? address = null)
    {
        var configuration = typeof(ServiceProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var assembly = Path.Combine(RepositoryRoot.Path, "services", service, "bin", configuration, "net10.0", $"ECommerce.{service}.dll");
        if (!File.Exists(assembly))
        {
            throw new InfrastructureException(service, $"{assembly} was not found.",
                $"reference services/{service} from the test project with ReferenceOutputAssembly=\"false\" so that it is built first.");
        }
        address ??= new Uri($"http://{Loopback.Host}:{Loopback.FreePort()}");
        var variables = new Dictionary<string, string>(environment)
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__grpc__Url"] = address.ToString(),
            ["Kestrel__Endpoints__grpc__Protocols"] = "Http2",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        variables.TryAdd(KafkaLoggingOff.Key.Replace(":", "__"), KafkaLoggingOff.Value);
        var logFile = Path.Combine(Path.GetTempPath(), $"ecommerce-test-{service.ToLowerInvariant()}-{Guid.NewGuid():N}.log");
        var process = await ChildProcess.StartAsync(service, "dotnet", [assembly], logFile, ChildProcess.SigTerm, environment: variables);
        var started = new ServiceProcess(process, address);
        try
        {
            await started.WaitUntilServingAsync(cancellationToken);
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
        return started;
    }

    /// <summary>Ends the process with SIGKILL: no shutdown, no flushing, as a crash or an OOM kill would.</summary>
    public Task KillAsync() => _process.StopAsync(ChildProcess.SigKill);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _process.DisposeAsync();
        File.Delete(_process.LogFile);
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        var health = new Health.HealthClient(Channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InfrastructureException(_process.Resource, $"the service exited while starting:\n{_process.LogTail(30)}\n", "read its log.", LogFile);
            }
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (global::Grpc.Core.RpcException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new InfrastructureException(_process.Resource, $"not SERVING on {Address} after 60 s:\n{_process.LogTail(30)}\n", "read its log.", LogFile);
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
