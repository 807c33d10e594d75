namespace ECommerce.Grpc.Transcoding.Gateway;

/// <summary>The REST request cannot become the gRPC request message; the message tells the caller what to fix.</summary>
public sealed class RequestBindingException(string message, Exception? inner = null) : Exception(message, inner);
