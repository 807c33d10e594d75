using ECommerce.Contracts.Logging.V1;
using Grpc.Core;

namespace ECommerce.Logging.Tests;

/// <summary>Every rpc is for admins: no one else, not even another service, reads the logs.</summary>
public sealed class AccessTests(LoggingTestEnvironment logs)
{
    public static TheoryData<string, string, StatusCode> Matrix()
    {
        var matrix = new TheoryData<string, string, StatusCode>();
        foreach (var rpc in new[] { "QueryLogs", "TailLogs", "ErrorSummary" })
        {
            matrix.Add(rpc, "anonymous", StatusCode.Unauthenticated);
            matrix.Add(rpc, "customer", StatusCode.PermissionDenied);
            matrix.Add(rpc, "service", StatusCode.PermissionDenied);
            matrix.Add(rpc, "admin", StatusCode.OK);
        }
        return matrix;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Only_an_admin_may_call_each_rpc(string rpc, string caller, StatusCode expected)
    {
        var headers = caller switch
        {
            "anonymous" => new Metadata(),
            "customer" => logs.Customer,
            "service" => logs.Service,
            "admin" => logs.Admin,
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };

        var status = await StatusOfAsync(rpc, headers);

        Assert.Equal(expected, status);
    }

    private async Task<StatusCode> StatusOfAsync(string rpc, Metadata headers)
    {
        try
        {
            switch (rpc)
            {
                case "QueryLogs":
                    await logs.Client.QueryLogsAsync(new QueryLogsRequest(), headers);
                    break;
                case "ErrorSummary":
                    await logs.Client.ErrorSummaryAsync(new ErrorSummaryRequest(), headers);
                    break;
                case "TailLogs":
                    // A tail never ends by itself: an admin's reaches its deadline, anyone else's is refused first.
                    using (var tail = logs.Client.TailLogs(new TailLogsRequest(), headers, DateTime.UtcNow.AddSeconds(2)))
                    {
                        try
                        {
                            while (await tail.ResponseStream.MoveNext(CancellationToken.None))
                            {
                            }
                        }
                        catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded)
                        {
                        }
                    }
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(rpc));
            }
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }
}
