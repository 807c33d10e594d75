using System.Net;
using System.Net.Sockets;
using System.Text;
using ECommerce.Gateway;
using ECommerce.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ECommerce.Gateway.Tests;

/// <summary>
/// The real REST edge (its own Program and appsettings) on Kestrel, HTTP/1.1 on 127.0.0.1, in front of a real
/// Users service process. Runs in the Development environment, as WebApplicationFactory does by default: the
/// environment in which ASP.NET would show its developer exception page. Its rate limits are the defaults, per client
/// address: tests that need a client of their own connect from another 127.x.y.z address (<see cref="ClientFrom"/>).
/// </summary>
public sealed class GatewayHost : IAsyncLifetime
{
    private readonly TestInfrastructure _infrastructure = new();
    private WebApplicationFactory<GatewayOptions>? _factory;

    public UsersForTests Users { get; private set; } = null!;
    public Uri Address { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Users = await UsersForTests.StartAsync(_infrastructure);
        _factory = new WebApplicationFactory<GatewayOptions>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            host.UseSetting(Users.DiscoverySetting.Key, Users.DiscoverySetting.Value);
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        _factory.StartServer();
        Address = new Uri(_factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        Http = new HttpClient { BaseAddress = Address };
    }

    /// <summary>An HTTP client of the edge whose connections come from <paramref name="localAddress"/> (any 127.x.y.z is loopback).</summary>
    public HttpClient ClientFrom(string localAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = Address };

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers) and <paramref name="body"/> as raw bytes on a new connection,
    /// waits <paramref name="stallAfterBody"/> without closing, and returns everything the edge answered.
    /// </summary>
    public async Task<string> SendRawAsync(string head, string body, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(Address.Host, Address.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n") + "\r\n" + body), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var answer = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Append(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Kestrel closes the connection after answering a request it could not read.
        }
        return answer.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        if (Users is not null)
        {
            await Users.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }
}
