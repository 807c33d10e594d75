using System.Net.Http.Headers;
using System.Text.Json;
using ECommerce.Contracts.Common.V1;
using ECommerce.Contracts.Logging.V1;
using ECommerce.Gateway;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static ECommerce.Logging.Tests.LoggingTestEnvironment;
using KafkaLogLevel = ECommerce.Contracts.Events.V1.LogLevel;

namespace ECommerce.Logging.Tests;

public sealed class QueryTests(LoggingTestEnvironment logs)
{
    [Fact]
    public async Task QueryLogs_filters_by_service_level_trace_text_and_time_newest_first_in_pages()
    {
        var service = NewService();
        var traceId = NewTraceId();
        var start = DateTime.UtcNow.AddMinutes(-10);
        var run = Guid.NewGuid().ToString();
        var numbered = Record(service, "cart 1 priced", time: start.AddMinutes(1));
        (numbered.RunId, numbered.Sequence) = (run, 7);
        await logs.SendAsync(
            numbered,
            Record(service, "Cart 2 PRICED late", KafkaLogLevel.Warning, start.AddMinutes(2), traceId),
            Record(service, "cart 3 refused", KafkaLogLevel.Error, start.AddMinutes(3), traceId),
            Record(service, "100%_done", KafkaLogLevel.Error, start.AddMinutes(4)),
            Record(NewService(), "cart 9 priced", KafkaLogLevel.Error, start.AddMinutes(3), traceId));

        var all = await logs.QueryUntilAsync(new QueryLogsRequest { Service = service }, response => response.Records.Count == 4);
        Assert.Equal(["100%_done", "cart 3 refused", "Cart 2 PRICED late", "cart 1 priced"], all.Records.Select(record => record.Message));
        // The sender's run and sequence are stored and returned as sent; a record without them has "" and 0.
        Assert.Equal((run, 7L), (all.Records[3].RunId, all.Records[3].Sequence));
        Assert.Equal(("", 0L), (all.Records[0].RunId, all.Records[0].Sequence));

        Assert.Equal(["100%_done", "cart 3 refused", "Cart 2 PRICED late"], await MessagesAsync(new QueryLogsRequest { Service = service, MinLevel = KafkaLogLevel.Warning }));
        Assert.Equal(["cart 3 refused", "Cart 2 PRICED late"], await MessagesAsync(new QueryLogsRequest { Service = service, TraceId = traceId.ToUpperInvariant() }));
        Assert.Equal(["Cart 2 PRICED late", "cart 1 priced"], await MessagesAsync(new QueryLogsRequest { Service = service, Text = "priced" }));
        Assert.Equal(["100%_done"], await MessagesAsync(new QueryLogsRequest { Service = service, Text = "%_" }));
        Assert.Equal(["cart 3 refused", "Cart 2 PRICED late"], await MessagesAsync(new QueryLogsRequest
        {
            Service = service, Since = Timestamp.FromDateTime(start.AddMinutes(2)), Until = Timestamp.FromDateTime(start.AddMinutes(4)),
        }));

        var first = await logs.Client.QueryLogsAsync(new QueryLogsRequest { Service = service, Page = new PageRequest { PageSize = 3 } }, logs.Admin);
        var second = await logs.Client.QueryLogsAsync(new QueryLogsRequest { Service = service, Page = new PageRequest { PageSize = 3, PageToken = first.Page.NextPageToken } }, logs.Admin);
        Assert.Equal(3, first.Records.Count);
        Assert.Equal(["cart 1 priced"], second.Records.Select(record => record.Message));
        Assert.Empty(second.Page.NextPageToken);
    }

    [Fact]
    public async Task TailLogs_streams_the_matching_records_stored_after_it_started()
    {
        var service = NewService();
        await logs.SendAsync(Record(service, "before the tail", KafkaLogLevel.Error));
        await logs.QueryUntilAsync(new QueryLogsRequest { Service = service }, response => response.Records.Count == 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var tail = logs.Client.TailLogs(new TailLogsRequest { Service = service, MinLevel = KafkaLogLevel.Warning, Since = Timestamp.FromDateTime(DateTime.UtcNow) },
            logs.Admin, cancellationToken: cancel.Token);

        await logs.SendAsync(Record(service, "new 1", KafkaLogLevel.Warning), Record(service, "too quiet", KafkaLogLevel.Information), Record(service, "new 2", KafkaLogLevel.Error));

        var received = new List<string>();
        while (received.Count < 2 && await tail.ResponseStream.MoveNext(cancel.Token))
        {
            received.Add(tail.ResponseStream.Current.Record.Message);
        }
        Assert.Equal(["new 1", "new 2"], received);
    }

    [Fact]
    public async Task The_edge_streams_the_tail_as_newline_delimited_json()
    {
        var service = NewService();
        await using var gateway = new WebApplicationFactory<GatewayOptions>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            host.UseSetting("Logging:Kafka:Enabled", "false");
            host.UseSetting("services:logging:grpc:0", logs.Logging.Address.ToString());
        });
        gateway.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        gateway.StartServer();
        using var http = new HttpClient { BaseAddress = new Uri(gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()) };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/logs:tail?service={service}&since={DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", logs.Admin.GetValue("authorization")!["Bearer ".Length..]);

        // The edge answers once the first record is in.
        var answer = http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await logs.SendAsync(Record(service, "over REST 1"), Record(service, "over REST 2"));
        using var response = await answer.WaitAsync(TimeSpan.FromSeconds(30));
        using var lines = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = JsonDocument.Parse((await lines.ReadLineAsync())!);
        var second = JsonDocument.Parse((await lines.ReadLineAsync())!);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("over REST 1", first.RootElement.GetProperty("record").GetProperty("message").GetString());
        Assert.Equal("over REST 2", second.RootElement.GetProperty("record").GetProperty("message").GetString());
        Assert.Equal(service, second.RootElement.GetProperty("record").GetProperty("service").GetString());
    }

    private async Task<List<string>> MessagesAsync(QueryLogsRequest request) =>
        (await logs.Client.QueryLogsAsync(request, logs.Admin)).Records.Select(record => record.Message).ToList();
}
