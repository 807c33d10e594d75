using ECommerce.Grpc.Transcoding.Bindings;
using ECommerce.Grpc.Transcoding.Errors;
using ECommerce.Grpc.Transcoding.Gateway;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;

namespace ECommerce.Grpc.Transcoding.InProcess;

/// <summary>
/// Microsoft's transcoding answers most bad input with "Request JSON payload is not correctly formatted.",
/// which does not say what to fix. This checks a REST request's body and query the way the gateway does
/// first, so a service's own REST routes reject bad input with the gateway's exact 400 answer.
/// </summary>
public static class PreciseInputErrorsConvention
{
    /// <summary>Applies to every transcoded route of the service: <c>app.MapGrpcService&lt;T&gt;().WithPreciseInputErrors()</c>.</summary>
    public static TBuilder WithPreciseInputErrors<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault() is not { } transcoding
                || endpoint.RequestDelegate is not { } transcode)
            {
                return;
            }
            var binding = HttpBinding.FromRule(transcoding.MethodDescriptor, transcoding.HttpRule, 0);
            var knownTypes = TranscodingJson.TypesOf([binding.Method.File]);
            var check = new RequestMessageBuilder(binding, TranscodingJson.Parser(knownTypes));
            var formatter = TranscodingJson.Formatter(knownTypes);
            endpoint.RequestDelegate = async context =>
            {
                context.Request.EnableBuffering();
                try
                {
                    await check.BuildFromBodyAndQueryAsync(context.Request, context.RequestAborted);
                }
                catch (RequestBindingException invalid)
                {
                    var status = new Google.Rpc.Status { Code = (int)StatusCode.InvalidArgument, Message = invalid.Message };
                    await StatusResponse.WriteAsync(context.Response, status, formatter, binding.IsServerStreaming);
                    return;
                }
                context.Request.Body.Position = 0;
                await transcode(context);
            };
        });
        return builder;
    }
}
