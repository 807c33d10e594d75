using System.Security.Claims;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Testing;

/// <summary>
/// The context of a gRPC call for calling a service's handler as a plain method, with no server, as
/// dotnet/eShop's TestServerCallContext does. The call's HttpContext (with <paramref name="user"/> and
/// <paramref name="services"/>) is where <c>context.GetHttpContext()</c> finds it.
/// </summary>
public sealed class TestServerCallContext : ServerCallContext
{
    private readonly Dictionary<object, object> _userState = new();
    private readonly CancellationToken _cancellationToken;

    private TestServerCallContext(HttpContext httpContext, CancellationToken cancellationToken)
    {
        _cancellationToken = cancellationToken;
        // Grpc.AspNetCore's GetHttpContext() reads the call's HttpContext from this key.
        _userState["__HttpContext"] = httpContext;
    }

    public static TestServerCallContext Create(ClaimsPrincipal? user = null, IServiceProvider? services = null, CancellationToken cancellationToken = default) =>
        new(new DefaultHttpContext
        {
            User = user ?? new ClaimsPrincipal(new ClaimsIdentity()),
            RequestServices = services ?? EmptyServices.Instance,
            Connection = { RemoteIpAddress = System.Net.IPAddress.Loopback },
        }, cancellationToken);

    public Metadata ResponseHeaders { get; } = [];

    protected override string MethodCore => "TestMethod";
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:50000";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore { get; } = [];
    protected override CancellationToken CancellationTokenCore => _cancellationToken;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore { get; } = new(null, []);
    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("A handler under test does not call other services with this context.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        foreach (var header in responseHeaders)
        {
            ResponseHeaders.Add(header);
        }
        return Task.CompletedTask;
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
