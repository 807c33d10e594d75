using System.Text.Json;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ECommerce.Grpc;

/// <summary>
/// Whatever the environment, a request that fails outside a gRPC handler (a malformed chunked body, a body too
/// slow to arrive, a bug in middleware) is answered with google.rpc.Status JSON that names no exception, file,
/// line or request header. ASP.NET's developer exception page would echo all of them, the caller's
/// <c>Authorization</c> header included; in Development it still runs, but hands every exception to this
/// filter, which answers before the page is rendered. Outside Development the same answer comes from a
/// middleware in front of the whole pipeline.
/// </summary>
internal sealed partial class ErrorsWithoutInternals(ILogger<ErrorsWithoutInternals> logger) : IDeveloperPageExceptionFilter, IStartupFilter
{
    public Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next) =>
        AnswerAsync(errorContext.HttpContext, errorContext.Exception);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            try
            {
                await nextMiddleware(context);
            }
            catch (Exception failure) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                await AnswerAsync(context, failure);
            }
        });
        next(app);
    };

    private async Task AnswerAsync(HttpContext context, Exception failure)
    {
        var (httpStatus, code, message) = failure switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status408RequestTimeout } =>
                (StatusCodes.Status408RequestTimeout, StatusCode.DeadlineExceeded, "The request body arrived too slowly."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (StatusCodes.Status413PayloadTooLarge, StatusCode.ResourceExhausted, "The request body is too large."),
            BadHttpRequestException bad =>
                (bad.StatusCode, StatusCode.InvalidArgument, "The request could not be read: its framing or body is malformed."),
            _ => (StatusCodes.Status500InternalServerError, StatusCode.Internal, "The server failed to handle the request."),
        };
        if (httpStatus >= StatusCodes.Status500InternalServerError)
        {
            LogFailed(context.Request.Method, context.Request.Path, failure);
        }
        else
        {
            // The caller's fault: one line without a stack trace, not an error.
            LogRefused(context.Request.Method, context.Request.Path, httpStatus, failure.Message);
        }
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.Clear();
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        // google.rpc.Status as proto3 JSON: the one error shape of every REST answer in the shop.
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteNumber("code", (int)code);
        json.WriteString("message", message);
        json.WriteStartArray("details");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private partial void LogFailed(string method, PathString path, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} refused with {HttpStatus}: {Reason}")]
    private partial void LogRefused(string method, PathString path, int httpStatus, string reason);
}

/// <summary>Registers <see cref="ErrorsWithoutInternals"/>.</summary>
internal static class ErrorsWithoutInternalsRegistration
{
    public static IServiceCollection AddErrorsWithoutInternals(this IServiceCollection services)
    {
        if (!services.Any(service => service.ServiceType == typeof(ErrorsWithoutInternals)))
        {
            services.AddSingleton<ErrorsWithoutInternals>();
            services.AddSingleton<IDeveloperPageExceptionFilter>(provider => provider.GetRequiredService<ErrorsWithoutInternals>());
            services.AddSingleton<IStartupFilter>(provider => provider.GetRequiredService<ErrorsWithoutInternals>());
        }
        return services;
    }
}
