using ECommerce.Grpc.Benchmarks;

// One program, one subcommand per role, so the script builds once and every .NET side of the
// comparison runs the same binary. eng/bench-grpc.sh drives it; docs/benchmarks/grpc.md
// explains the figures.
var commands = new Dictionary<string, Func<CommandLine, Task<int>>>
{
    ["serve-grpc"] = GrpcServerCommand.RunAsync,
    ["serve-service"] = GrpcServerCommand.RunServiceAsync,
    ["serve-kestrel"] = KestrelCeilingCommand.RunAsync,
    ["client"] = ClientCommand.RunAsync,
    ["check"] = CheckCommand.RunAsync,
    ["fixtures"] = FixturesCommand.RunAsync,
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: ECommerce.Grpc.Benchmarks <{string.Join('|', commands.Keys)}> [--option value ...]");
    return 2;
}

try
{
    return await command(CommandLine.Parse(args[1..]));
}
catch (CommandLineException e)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 2;
}
