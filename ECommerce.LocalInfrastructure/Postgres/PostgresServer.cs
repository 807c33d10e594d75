using System.Security.Cryptography;
using ECommerce.LocalInfrastructure.Processes;
using Npgsql;

namespace ECommerce.LocalInfrastructure.Postgres;

public sealed record PostgresServerOptions
{
    public DataLifetime Data { get; init; } = DataLifetime.Throwaway;

    /// <summary>0 picks a free loopback port.</summary>
    public int Port { get; init; }

    /// <summary>Folder holding initdb and postgres; found under /usr/lib/postgresql when null.</summary>
    public string? BinDirectory { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The superuser's password when the data directory is initialised; generated when null.</summary>
    public string? Password { get; init; }
}

/// <summary>
/// A real PostgreSQL server on 127.0.0.1, initialised on first use, with a generated superuser
/// password (scram-sha-256) and no Unix socket.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Resource = "PostgreSQL";
    private const string ServiceUser = "postgres";
    private const string Superuser = "postgres";

    private readonly Func<Task<ChildProcess>> _launch;
    private readonly string _dataDirectory;
    private readonly bool _throwaway;
    private readonly SemaphoreSlim _stateChange = new(1, 1);
    private ChildProcess _process;

    private PostgresServer(Func<Task<ChildProcess>> launch, ChildProcess process, string dataDirectory, bool throwaway, int port, string password)
    {
        _launch = launch;
        _process = process;
        _dataDirectory = dataDirectory;
        _throwaway = throwaway;
        Port = port;
        Password = password;
    }

    public int Port { get; }
    public string Password { get; }
    public int ProcessId => _process.Id;
    public string LogFile => _process.LogFile;
    public bool IsStopped => _process.HasExited;

    public static async Task<PostgresServer> StartAsync(PostgresServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new PostgresServerOptions();
        var bin = options.BinDirectory ?? FindBinDirectory();
        foreach (var tool in new[] { "initdb", "postgres" })
        {
            if (!File.Exists(Path.Combine(bin, tool)))
            {
                throw new InfrastructureException(Resource, $"'{tool}' was not found in {bin}.",
                    "run eng/setup.sh (installs the Debian package postgresql), or point BinDirectory at PostgreSQL's bin folder.");
            }
        }

        var throwaway = options.Data is DataLifetime.ThrowawayData;
        var dataDirectory = options.Data switch
        {
            DataLifetime.PersistentData persistent => persistent.Directory,
            _ => Path.Combine(ScratchDirectory.Create("postgres"), "data"),
        };
        var runAs = UnixAccounts.IsRoot ? ServiceUser : null;
        var logFile = Path.Combine(Path.GetDirectoryName(dataDirectory)!, Path.GetFileName(dataDirectory) + ".log");
        var password = await InitialiseIfNeededAsync(bin, dataDirectory, runAs, logFile, options.Password);

        var port = options.Port == 0 ? Loopback.FreePort() : options.Port;
        Loopback.EnsurePortFree(Resource, port);
        var arguments = new List<string>
        {
            "-D", dataDirectory, "-p", port.ToString(),
            "-c", $"listen_addresses={Loopback.Host}",
            "-c", "unix_socket_directories=",
            // Every service keeps a pool of up to 100 connections; a mesh of eight under load (and processes killed by
            // recovery tests, whose sessions linger until PostgreSQL notices) needs more than the default 100.
            "-c", "max_connections=1000",
        };
        if (throwaway)
        {
            // Test data is disposable: trade durability for speed.
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        // SIGINT is PostgreSQL's "fast shutdown": roll back sessions, checkpoint, exit.
        Task<ChildProcess> Launch() => ChildProcess.StartAsync(Resource, Path.Combine(bin, "postgres"), arguments, logFile, ChildProcess.SigInt, runAs);
        var server = new PostgresServer(Launch, await Launch(), dataDirectory, throwaway, port, password);
        try
        {
            await server.WaitUntilReadyAsync(options.StartTimeout, cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = Loopback.Host,
        Port = Port,
        Username = Superuser,
        Password = Password,
        Database = database,
    }.ConnectionString;

    /// <summary>Creates the database unless it exists, and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        PostgresDatabases.CreateAsync(ConnectionString(), name, cancellationToken);

    /// <summary>
    /// An outage, as a stopped database server gives its clients: PostgreSQL's fast shutdown (every session cut, open
    /// transactions rolled back) and connections refused until <see cref="StartAgainAsync"/>. What was committed stays.
    /// Not an immediate shutdown (a crash): a throwaway server runs with fsync and synchronous commit off, so a crash would
    /// lose commits that its clients were told had happened, an outage no production server (fsync on) has.
    /// </summary>
    public async Task StopAsync()
    {
        await _stateChange.WaitAsync();
        try
        {
            await _process.StopAsync();
        }
        finally
        {
            _stateChange.Release();
        }
    }

    /// <summary>Starts a stopped server again on the same data and port; returns once it accepts connections.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await _stateChange.WaitAsync(cancellationToken);
        try
        {
            if (!_process.HasExited)
            {
                return;
            }
            await _process.DisposeAsync();
            _process = await _launch();
            await WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        finally
        {
            _stateChange.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_throwaway)
        {
            ScratchDirectory.Delete(Path.GetDirectoryName(_dataDirectory)!);
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InfrastructureException(Resource, $"the server exited while starting on port {Port}:\n{_process.LogTail()}\n",
                    "read the log; a stale postmaster.pid or a port in use are the usual causes.", LogFile);
            }
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false;Timeout=2");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (NpgsqlException e)
            {
                throw new InfrastructureException(Resource, $"not accepting connections on port {Port} after {timeout.TotalSeconds:0}s ({e.Message}).",
                    "read the log for the reason.", LogFile, e);
            }
        }
    }

    /// <summary>Runs initdb once per data directory; the generated password lives beside it.</summary>
    private static async Task<string> InitialiseIfNeededAsync(string bin, string dataDirectory, string? runAs, string logFile, string? password)
    {
        var passwordFile = dataDirectory + ".password";
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            if (!File.Exists(passwordFile))
            {
                throw new InfrastructureException(Resource, $"{dataDirectory} is initialised but its password file {passwordFile} is missing.",
                    $"delete {dataDirectory} to start over with a new, empty database.");
            }
            return (await File.ReadAllTextAsync(passwordFile)).Trim();
        }

        Directory.CreateDirectory(dataDirectory);
        UnixAccounts.RestrictToOwner(dataDirectory);
        password ??= Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        await File.WriteAllTextAsync(passwordFile, password);
        UnixAccounts.RestrictToOwner(passwordFile);

        // initdb reads the password from a file the service user can read; it is deleted right after.
        var initPasswordFile = Path.Combine(Path.GetTempPath(), $"ecommerce-initdb-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(initPasswordFile, password);
        UnixAccounts.RestrictToOwner(initPasswordFile);
        if (runAs is not null)
        {
            UnixAccounts.GiveOwnership(dataDirectory, runAs);
            UnixAccounts.GiveOwnership(initPasswordFile, runAs);
        }
        try
        {
            var initdb = await ChildProcess.StartAsync($"{Resource} initdb", Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", Superuser, "--pwfile", initPasswordFile, "--auth=scram-sha-256",
                 "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
                logFile, ChildProcess.SigTerm, runAs);
            await initdb.Exited;
            if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
            {
                throw new InfrastructureException(Resource, $"initdb failed for {dataDirectory}:\n{initdb.LogTail()}\n",
                    "read the log; the directory must be empty and writable by the server's user.", logFile);
            }
            await initdb.DisposeAsync();
        }
        finally
        {
            File.Delete(initPasswordFile);
        }
        return password;
    }

    /// <summary>The newest installed PostgreSQL's bin folder (initdb, postgres, pgbench): Debian's /usr/lib/postgresql/&lt;major&gt;/bin.</summary>
    public static string FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(Directory.Exists)
                .OrderByDescending(directory => int.TryParse(Path.GetFileName(Path.GetDirectoryName(directory)), out var major) ? major : 0)
                .FirstOrDefault() ?? "/usr/lib/postgresql/15/bin"
            : "/usr/lib/postgresql/15/bin";
}
