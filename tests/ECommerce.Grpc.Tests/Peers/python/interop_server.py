"""grpcio server implementing ecommerce.testing.v1.Interop (see interop.proto for each rpc's contract).

Usage: interop_server.py <descriptor set>. Prints "PORT <n>" once listening on 127.0.0.1.
"""
import sys
import threading
import time
from concurrent import futures

import grpc

import interop_messages

message = interop_messages.load(sys.argv[1])
EchoRequest = message("ecommerce.testing.v1.EchoRequest")
EchoReply = message("ecommerce.testing.v1.EchoReply")
StreamRequest = message("ecommerce.testing.v1.StreamRequest")
FailRequest = message("ecommerce.testing.v1.FailRequest")
WaitRequest = message("ecommerce.testing.v1.WaitRequest")
Status = message("google.rpc.Status")
BadRequest = message("google.rpc.BadRequest")
Any = message("google.protobuf.Any")

SERVER = "python"


def unary(request, context):
    return EchoReply(message=request.message, payload=request.payload, server=SERVER)


def server_stream(request, context):
    for index in range(request.count):
        yield EchoReply(message="%s%d" % (request.message, index), server=SERVER)


def client_stream(requests, context):
    messages = [request.message for request in requests]
    return EchoReply(message=",".join(messages), count=len(messages), server=SERVER)


def bidi(requests, context):
    for request in requests:
        yield EchoReply(message=request.message, payload=request.payload, server=SERVER)


def fail(request, context):
    bad_request = BadRequest()
    violation = bad_request.field_violations.add()
    violation.field = request.field
    violation.description = request.description
    detail = Any(type_url="type.googleapis.com/google.rpc.BadRequest", value=bad_request.SerializeToString())
    status = Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="The request is invalid.", details=[detail])
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, status.message)


def echo_metadata(request, context):
    echoed = [(key, value) for key, value in context.invocation_metadata() if key.startswith("x-echo-")]
    context.send_initial_metadata(echoed)
    context.set_trailing_metadata([("x-trailer-" + key[len("x-echo-"):], value) for key, value in echoed])
    return EchoReply(message=request.message, server=SERVER)


def wait(request, context):
    finished = threading.Event()
    context.add_callback(finished.set)
    if finished.wait(request.milliseconds / 1000.0):
        context.abort(grpc.StatusCode.CANCELLED, "cancelled")
    return EchoReply(message=request.key, server=SERVER)


def handler(kind, function, request_class):
    factory = getattr(grpc, kind + "_rpc_method_handler")
    return factory(function, request_deserializer=request_class.FromString,
                   response_serializer=EchoReply.SerializeToString)


handlers = grpc.method_handlers_generic_handler(interop_messages.SERVICE, {
    "Unary": handler("unary_unary", unary, EchoRequest),
    "ServerStream": handler("unary_stream", server_stream, StreamRequest),
    "ClientStream": handler("stream_unary", client_stream, EchoRequest),
    "Bidi": handler("stream_stream", bidi, EchoRequest),
    "Fail": handler("unary_unary", fail, FailRequest),
    "EchoMetadata": handler("unary_unary", echo_metadata, EchoRequest),
    "Wait": handler("unary_unary", wait, WaitRequest),
})

server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), compression=grpc.Compression.Gzip)
server.add_generic_rpc_handlers((handlers,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print("PORT %d" % port, flush=True)
while True:
    time.sleep(3600)
