using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>gRPC client methods built from descriptors, so any annotated method can be called without generated client code.</summary>
internal static class DescriptorMethods
{
    public static Method<IMessage, IMessage> Create(MethodDescriptor method) => new(
        method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary,
        method.Service.FullName,
        method.Name,
        Marshallers.Create(message => message.ToByteArray(), bytes => method.InputType.Parser.ParseFrom(bytes)),
        Marshallers.Create(message => message.ToByteArray(), bytes => method.OutputType.Parser.ParseFrom(bytes)));
}
