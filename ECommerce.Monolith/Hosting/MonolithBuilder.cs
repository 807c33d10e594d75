using ECommerce.Grpc.InProcess;
using ECommerce.ServiceDefaults;
using ECommerce.ServiceDefaults.Modules;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ECommerce.Monolith.Hosting;

/// <summary>
/// Declares the services hosted in this process. Each one's configuration is the process's (environment,
/// command line) overlaid with its own section <c>Modules:&lt;name&gt;</c>, e.g.
/// <c>Modules__users__Kestrel__Endpoints__grpc__Url</c> or <c>Modules__users__ConnectionStrings__users</c>:
/// what the AppHost would have given the service as its own process's environment.
/// </summary>
public sealed class MonolithBuilder
{
    public const string ModulesSection = "Modules";

    private readonly List<ModuleDefinition> _modules = [];
    private readonly IConfiguration _configuration;

    private MonolithBuilder(IConfiguration configuration)
    {
        _configuration = configuration;
    }

    public static MonolithBuilder Create(string[] args) =>
        new(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build());

    /// <param name="addServices">What the service's Program.cs adds after AddServiceDefaults.</param>
    /// <param name="mapApi">What the service's Program.cs maps before MapDefaultEndpoints.</param>
    public MonolithBuilder AddModule(string name, Action<WebApplicationBuilder> addServices, Action<WebApplication> mapApi)
    {
        if (_modules.Any(module => module.Name == name))
        {
            throw new ArgumentException($"A module named '{name}' is already declared.", nameof(name));
        }
        _modules.Add(new ModuleDefinition(name, addServices, mapApi));
        return this;
    }

    /// <summary>
    /// The declared modules that have a <c>Modules:&lt;name&gt;</c> section, in declaration order; all of
    /// them when no module has one (run by hand, with configuration from appsettings alone).
    /// </summary>
    public Monolith Build()
    {
        var configured = _modules.Where(module => _configuration.GetSection($"{ModulesSection}:{module.Name}").Exists()).ToList();
        var hosted = configured.Count > 0 ? configured : _modules;
        var unknown = _configuration.GetSection(ModulesSection).GetChildren()
            .Select(section => section.Key)
            .Where(key => _modules.All(module => module.Name != key))
            .ToList();
        var configurationError = unknown.Count == 0 ? null
            : $"configuration names services this monolith does not host: {string.Join(", ", unknown)} (it hosts {string.Join(", ", _modules.Select(m => m.Name))}).";
        return new Monolith(hosted, this, configurationError);
    }

    /// <summary>Builds one service's host, exactly as its own Program.cs would, plus the in-process wiring.</summary>
    internal WebApplication BuildModule(ModuleDefinition module, IReadOnlyList<ModuleDefinition> hosted, InProcessNetwork network)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = Path.Combine(AppContext.BaseDirectory, "modules", module.Name),
        });
        builder.Configuration.AddInMemoryCollection(ModuleSettings(module, hosted));

        builder.Services.AddInProcessTransport(network);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenInProcess(module.Name));
        // The process has one Ctrl+C and one SIGTERM: the monolith handles them and stops services in order.
        builder.Services.AddSingleton<IHostLifetime, ModuleLifetime>();

        builder.AddServiceDefaults();
        // Console lines of every service share one output; each line says whose it is.
        builder.Logging.AddSimpleConsole(console => console.TimestampFormat = $"HH:mm:ss.fff '{module.Name}' ");
        module.AddServices(builder);

        var app = builder.Build();
        module.MapApi(app);
        app.MapDefaultEndpoints();
        return app;
    }

    /// <summary>
    /// In-process addresses of every other hosted service (so calls between them never leave the process),
    /// then the service's own section, which wins; the first module also reports process-wide metrics.
    /// </summary>
    private Dictionary<string, string?> ModuleSettings(ModuleDefinition module, IReadOnlyList<ModuleDefinition> hosted)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [SharedProcess.ModuleKey] = module.Name,
            [SharedProcess.ProcessMetricsKey] = (module == hosted[0]).ToString(),
            ["OTEL_SERVICE_NAME"] = module.Name,
        };
        foreach (var sibling in hosted.Where(sibling => sibling != module))
        {
            settings[$"services:{sibling.Name}:grpc:0"] = InProcessNetwork.Address(sibling.Name).ToString();
        }
        foreach (var (key, value) in _configuration.GetSection($"{ModulesSection}:{module.Name}").AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                settings[key] = value;
            }
        }
        return settings;
    }
}

/// <summary>A service as the monolith hosts it: its name and the two halves of its Program.cs.</summary>
internal sealed record ModuleDefinition(string Name, Action<WebApplicationBuilder> AddServices, Action<WebApplication> MapApi);

/// <summary>Lets the monolith, not each service, decide when the process stops.</summary>
internal sealed class ModuleLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
