using System.Collections.Concurrent;
using ECommerce.Grpc.Tests.Protos;
using Google.Protobuf;
using Grpc.Core;
using ECommerce.LocalInfrastructure.Processes;

namespace ECommerce.Grpc.Tests.Hosting;

/// <summary>What an <see cref="InteropService"/> instance remembers between calls, for tests to observe.</summary>
public sealed class InteropServerState(string serverName)
{
    public string ServerName { get; } = serverName;

    public ConcurrentDictionary<string, int> FailUntilCalls { get; } = new();

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _handlerStarts = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _handlerCancellations = new();

    /// <summary>Completes when the handler of the Wait call with this key has started waiting.</summary>
    public Task HandlerStarted(string key) => Signal(_handlerStarts, key).Task;

    /// <summary>Completes when the handler of the Wait call with this key sees its CancellationToken fire.</summary>
    public Task HandlerCancelled(string key) => Signal(_handlerCancellations, key).Task;

    internal void RecordHandlerStarted(string key) => Signal(_handlerStarts, key).TrySetResult();

    internal void RecordHandlerCancelled(string key) => Signal(_handlerCancellations, key).TrySetResult();

    private static TaskCompletionSource Signal(ConcurrentDictionary<string, TaskCompletionSource> signals, string key) =>
        signals.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The C# implementation of ecommerce.testing.v1.Interop, hosted with the ECommerce.Grpc defaults.</summary>
public sealed class InteropService(InteropServerState state) : Protos.Interop.InteropBase
{
    public const string CrashSecret = "connection string Password=hunter2";

    public override Task<EchoReply> Unary(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request.Message, request.Payload, RequestEncoding(context)));

    public override async Task ServerStream(StreamRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        for (var index = 0; index < request.Count; index++)
        {
            await responseStream.WriteAsync(Reply($"{request.Message}{index}"));
        }
    }

    public override async Task<EchoReply> ClientStream(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        var messages = new List<string>();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            messages.Add(request.Message);
        }

        var reply = Reply(string.Join(",", messages));
        reply.Count = messages.Count;
        return reply;
    }

    public override async Task Bidi(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(Reply(request.Message, request.Payload));
        }
    }

    public override Task<EchoReply> Fail(FailRequest request, ServerCallContext context) =>
        throw GrpcErrors.InvalidArgument("The request is invalid.", (request.Field, request.Description));

    public override async Task<EchoReply> EchoMetadata(EchoRequest request, ServerCallContext context)
    {
        var headers = new Metadata();
        foreach (var entry in context.RequestHeaders.Where(entry => entry.Key.StartsWith("x-echo-", StringComparison.Ordinal)))
        {
            var trailerKey = "x-trailer-" + entry.Key["x-echo-".Length..];
            if (entry.IsBinary)
            {
                headers.Add(entry.Key, entry.ValueBytes);
                context.ResponseTrailers.Add(trailerKey, entry.ValueBytes);
            }
            else
            {
                headers.Add(entry.Key, entry.Value);
                context.ResponseTrailers.Add(trailerKey, entry.Value);
            }
        }

        await context.WriteResponseHeadersAsync(headers);
        return Reply(request.Message);
    }

    public override async Task<EchoReply> Wait(WaitRequest request, ServerCallContext context)
    {
        state.RecordHandlerStarted(request.Key);
        try
        {
            await Task.Delay(request.Milliseconds, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
            state.RecordHandlerCancelled(request.Key);
            throw;
        }

        return Reply(request.Key);
    }

    /// <summary>Crash's request message that makes it fail as a handler does when its database refuses connections.</summary>
    public const string DatabaseDown = "database down";

    public override async Task<EchoReply> Crash(EchoRequest request, ServerCallContext context)
    {
        if (request.Message == DatabaseDown)
        {
            // A real Npgsql connection to a loopback port nothing listens on: the NpgsqlException a service gets.
            await using var connection = new Npgsql.NpgsqlConnection($"Host={Loopback.Host};Port={Loopback.FreePort()};Username=shop;Password=hunter2;Timeout=2");
            await connection.OpenAsync(context.CancellationToken);
        }
        throw new InvalidOperationException(CrashSecret);
    }

    public override Task<EchoReply> FailUntil(FailUntilRequest request, ServerCallContext context)
    {
        var call = state.FailUntilCalls.AddOrUpdate(request.Key, 1, (_, calls) => calls + 1);
        if (call <= request.Failures)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"Failing call {call} of {request.Failures}."));
        }

        var reply = Reply(request.Key);
        reply.Count = call;
        return Task.FromResult(reply);
    }

    private static string RequestEncoding(ServerCallContext context) =>
        context.GetHttpContext().Request.Headers["grpc-encoding"].ToString();

    private EchoReply Reply(string message, ByteString? payload = null, string requestEncoding = "") => new()
    {
        Message = message,
        Payload = payload ?? ByteString.Empty,
        Server = state.ServerName,
        RequestEncoding = requestEncoding,
    };
}
