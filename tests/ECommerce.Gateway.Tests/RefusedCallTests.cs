using System.Net;
using ECommerce.Contracts.Users.V1;
using ECommerce.Testing;
using Grpc.Core;

namespace ECommerce.Gateway.Tests;

/// <summary>
/// Calls a service refuses before its handler runs (no token, wrong role, bytes that are not the request message) get
/// a proper gRPC status with a message, which gRPC clients of any language and the REST edge's callers both read.
/// </summary>
public sealed class RefusedCallTests(GatewayHost gateway)
{
    private static readonly Method<byte[], byte[]> RawLogin = new(MethodType.Unary, "ecommerce.users.v1.UsersService", "Login",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    [Fact]
    public async Task A_call_without_a_token_is_unauthenticated_with_a_message_over_grpc_and_rest()
    {
        var overGrpc = await Assert.ThrowsAsync<RpcException>(() =>
            gateway.Users.Client.GetProfileAsync(new GetProfileRequest { UserId = "me" }, cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        var overRest = await gateway.Http.GetAsync("/v1/users/me", TestContext.Current.CancellationToken);
        var restBody = await overRest.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(StatusCode.Unauthenticated, overGrpc.StatusCode);
        Assert.Contains("access token", overGrpc.Status.Detail);
        Assert.DoesNotContain("Bad gRPC response", overGrpc.Status.Detail);
        Assert.Equal(HttpStatusCode.Unauthorized, overRest.StatusCode);
        Assert.Contains("\"code\":16", restBody);
        Assert.Contains("access token", restBody);
    }

    [Fact]
    public async Task A_call_the_callers_roles_do_not_allow_is_permission_denied_with_a_message_over_grpc_and_rest()
    {
        var customer = await gateway.Users.CustomerTokenAsync();
        var request = new SetRolesRequest { UserId = Guid.NewGuid().ToString(), Roles = { Role.Admin } };

        var overGrpc = await Assert.ThrowsAsync<RpcException>(() =>
            gateway.Users.Client.SetRolesAsync(request, UsersForTests.Bearer(customer), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync);
        using var rest = new HttpRequestMessage(HttpMethod.Post, $"/v1/users/{request.UserId}:setRoles") { Content = new StringContent("""{"roles":["ROLE_ADMIN"]}""", System.Text.Encoding.UTF8, "application/json") };
        rest.Headers.Authorization = new("Bearer", customer);
        var overRest = await gateway.Http.SendAsync(rest, TestContext.Current.CancellationToken);
        var restBody = await overRest.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal(StatusCode.PermissionDenied, overGrpc.StatusCode);
        Assert.Contains("roles do not allow", overGrpc.Status.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, overRest.StatusCode);
        Assert.Contains("\"code\":7", restBody);
        Assert.Contains("roles do not allow", restBody);
    }

    [Fact]
    public async Task Bytes_that_are_not_the_request_message_are_invalid_argument_and_leave_no_stack_trace_in_the_log()
    {
        // Field 1 (email) says 127 bytes follow, and only 2 do.
        var malformed = await Assert.ThrowsAsync<RpcException>(() => gateway.Users.Process.Channel.CreateCallInvoker()
            .AsyncUnaryCall(RawLogin, null, new CallOptions(cancellationToken: TestContext.Current.CancellationToken), [0x0A, 0x7F, 0x61, 0x62]).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
        Assert.Contains("could not be parsed", malformed.Status.Detail);
        var log = await LogOnceItMentionsAsync(gateway.Users.Process.LogFile, "malformed request message");
        Assert.DoesNotContain("InvalidProtocolBufferException", log);
        Assert.DoesNotContain("   at ", log);
    }

    private static async Task<string> LogOnceItMentionsAsync(string logFile, string text)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var stream = new FileStream(logFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var log = await new StreamReader(stream).ReadToEndAsync(TestContext.Current.CancellationToken);
            if (log.Contains(text, StringComparison.Ordinal) || attempt == 50)
            {
                Assert.Contains(text, log);
                return log;
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
