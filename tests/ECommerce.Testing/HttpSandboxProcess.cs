using System.Reflection;
using System.Security.Cryptography;
using ECommerce.LocalInfrastructure;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Testing;

/// <summary>
/// A sandbox of a system outside the shop (the payment provider, the carrier) as its own process, as the AppHost runs
/// it, with a client of its HTTP API that carries the sandbox's API key. Subclasses add the calls their tests make.
/// </summary>
/// <remarks>A test project that starts one references its project under services/ with <c>ReferenceOutputAssembly="false"</c>.</remarks>
public abstract class HttpSandboxProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    protected HttpSandboxProcess(ChildProcess process, Uri address, string apiKey)
    {
        _process = process;
        Address = address;
        Http = new HttpClient { BaseAddress = address };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", apiKey);
    }

    public Uri Address { get; }
    public string LogFile => _process.LogFile;

    /// <summary>The sandbox's own API, authorized as the shop's account at the provider.</summary>
    protected HttpClient Http { get; }

    public static Uri NewAddress() => new($"http://{Loopback.Host}:{Loopback.FreePort()}");

    public static string NewSecret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>Starts services/<paramref name="project"/> on <paramref name="address"/> and waits until its /health answers.</summary>
    /// <param name="settings">Its configuration beyond the address (the Sandbox__* keys).</param>
    protected static async Task<TSandbox> StartAsync<TSandbox>(string resource, string project, Uri address, IReadOnlyDictionary<string, string> settings,
        Func<ChildProcess, TSandbox> create) where TSandbox : HttpSandboxProcess
    {
        var configuration = typeof(HttpSandboxProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var assembly = Path.Combine(RepositoryRoot.Path, "services", project, "bin", configuration, "net10.0", $"ECommerce.{project}.dll");
        var logFile = Path.Combine(Path.GetTempPath(), $"ecommerce-test-{resource}-{Guid.NewGuid():N}.log");
        var environment = new Dictionary<string, string>(settings)
        {
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["Kestrel__Endpoints__http__Url"] = address.ToString(),
            ["Kestrel__Endpoints__http__Protocols"] = "Http1",
        };
        var process = await ChildProcess.StartAsync(resource, "dotnet", [assembly], logFile, ChildProcess.SigTerm, environment: environment);
        var sandbox = create(process);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if ((await sandbox.Http.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return sandbox;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
            }
            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                await sandbox.DisposeAsync();
                throw new InvalidOperationException($"The {resource} did not start:\n{process.LogTail(30)}");
            }
            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        File.Delete(_process.LogFile);
        GC.SuppressFinalize(this);
    }
}
