using System.Runtime.InteropServices;
using ECommerce.LocalInfrastructure.Postgres;
using ECommerce.LocalInfrastructure.Redis;
using ECommerce.Testing;

// Prints KEY=VALUE lines and READY, then serves until stdin closes or SIGTERM/SIGINT arrives.
// Its servers die with it even when it is killed outright (see ChildProcess).
var stop = new TaskCompletionSource();
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.TrySetResult(); });
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.TrySetResult(); });

await using var postgres = await PostgresServer.StartAsync();
await using var redis = await RedisServer.StartAsync();
Console.WriteLine($"{TestInfrastructure.PostgresVariable}={postgres.ConnectionString()}");
Console.WriteLine($"{TestInfrastructure.RedisVariable}={redis.ConnectionString}");
Console.WriteLine($"POSTGRES_PID={postgres.ProcessId}");
Console.WriteLine($"REDIS_PID={redis.ProcessId}");
Console.WriteLine("READY");
Console.Out.Flush();

_ = Task.Run(() =>
{
    Console.In.ReadToEnd();
    stop.TrySetResult();
});
await stop.Task;
