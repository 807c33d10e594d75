using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.LocalInfrastructure.Redis;

public sealed record RedisServerOptions
{
    public DataLifetime Data { get; init; } = DataLifetime.Throwaway;

    /// <summary>0 picks a free loopback port.</summary>
    public int Port { get; init; }

    /// <summary>Append-only file on: every write survives a restart. Always on for persistent data.</summary>
    public bool AppendOnly { get; init; }

    public string Executable { get; init; } = "/usr/bin/redis-server";

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The password clients must give; the one kept beside the data (generated on first start) when null.</summary>
    public string? Password { get; init; }
}

/// <summary>A real redis-server on 127.0.0.1 with a generated password. Can be stopped and started again on the same port and data.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Resource = "Redis";

    private readonly RedisServerOptions _options;
    private readonly string _dataDirectory;
    private readonly bool _throwaway;
    private ChildProcess? _process;

    private RedisServer(RedisServerOptions options, string dataDirectory, bool throwaway, int port, string password)
    {
        _options = options;
        _dataDirectory = dataDirectory;
        _throwaway = throwaway;
        Port = port;
        Password = password;
    }

    public int Port { get; }
    public string Password { get; }
    public int? ProcessId => _process?.Id;
    public string LogFile => Path.Combine(_dataDirectory, "redis.log");

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"{Loopback.Host}:{Port},password={Password}";

    public static async Task<RedisServer> StartAsync(RedisServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RedisServerOptions();
        if (!File.Exists(options.Executable))
        {
            throw new InfrastructureException(Resource, $"{options.Executable} was not found.",
                "run eng/setup.sh (installs the Debian package redis-server).");
        }
        var throwaway = options.Data is DataLifetime.ThrowawayData;
        var dataDirectory = options.Data switch
        {
            DataLifetime.PersistentData persistent => persistent.Directory,
            _ => ScratchDirectory.Create("redis"),
        };
        Directory.CreateDirectory(dataDirectory);
        var server = new RedisServer(options with { AppendOnly = options.AppendOnly || !throwaway }, dataDirectory, throwaway,
            options.Port == 0 ? Loopback.FreePort() : options.Port, options.Password ?? await LoadOrCreatePasswordAsync(dataDirectory));
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port and data.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_process is { HasExited: false })
        {
            return;
        }
        Loopback.EnsurePortFree(Resource, Port);
        // The password goes in a file only we can read, not on the command line where `ps` shows it.
        var configFile = Path.Combine(_dataDirectory, "redis.conf");
        await File.WriteAllTextAsync(configFile, $"requirepass {Password}\n", cancellationToken);
        UnixAccounts.RestrictToOwner(configFile);
        string[] arguments =
        [
            configFile,
            "--port", Port.ToString(), "--bind", Loopback.Host, "--protected-mode", "yes",
            "--dir", _dataDirectory, "--daemonize", "no", "--logfile", "",
            "--appendonly", _options.AppendOnly ? "yes" : "no",
            "--save", "",
        ];
        _process = await ChildProcess.StartAsync(Resource, _options.Executable, arguments, LogFile, ChildProcess.SigTerm);
        await WaitUntilReadyAsync(cancellationToken);
    }

    /// <summary>Stops the server the way an operator would (SIGTERM: flush and exit).</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (_throwaway)
        {
            ScratchDirectory.Delete(_dataDirectory);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        string? lastReply = null;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                throw new InfrastructureException(Resource, $"redis-server exited while starting on port {Port}:\n{_process.LogTail()}\n",
                    "read the log for the reason.", LogFile);
            }
            lastReply = await TryPingAsync(cancellationToken);
            if (lastReply == "+PONG")
            {
                return;
            }
            await Task.Delay(50, cancellationToken);
        }
        throw new InfrastructureException(Resource, $"not answering PING on port {Port} after {_options.StartTimeout.TotalSeconds:0}s (last reply: {lastReply ?? "none"}).",
            "read the log; a large append-only file can take long to load.", LogFile);
    }

    /// <summary>
    /// Speaks just enough RESP to know the server is ready: while it loads its append-only file it
    /// answers -LOADING instead of +PONG.
    /// </summary>
    private async Task<string?> TryPingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(Loopback.Host, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {Password}\r\nPING\r\n"), cancellationToken);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            var auth = await reader.ReadLineAsync(cancellationToken);
            return auth == "+OK" ? await reader.ReadLineAsync(cancellationToken) : auth;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return null;
        }
    }

    private static async Task<string> LoadOrCreatePasswordAsync(string dataDirectory)
    {
        var passwordFile = Path.Combine(dataDirectory, "redis.password");
        if (File.Exists(passwordFile))
        {
            return (await File.ReadAllTextAsync(passwordFile)).Trim();
        }
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await File.WriteAllTextAsync(passwordFile, password);
        UnixAccounts.RestrictToOwner(passwordFile);
        return password;
    }
}
