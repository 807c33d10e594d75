"""grpcio server implementing ecommerce.testing.v1.Interop (see interop.proto for each rpc's contract).

Usage: interop_server.py <descriptor set>. Prints "PORT <n>" once listening on 127.0.0.1.
"""
import sys
import threading
import time
from concurrent import futures

import grpc

import interop_messages

messages = interop_messages.load(sys.argv[1])

SERVER = "python"


def unary(request, context):
    return messages.EchoReply(message=request.message, payload=request.payload, server=SERVER)


def server_stream(request, context):
    for index in range(request.count):
        yield messages.EchoReply(message="%s%d" % (request.message, index), server=SERVER)


def client_stream(requests, context):
    texts = [request.message for request in requests]
    return messages.EchoReply(message=",".join(texts), count=len(texts), server=SERVER)


def bidi(requests, context):
    for request in requests:
        yield messages.EchoReply(message=request.message, payload=request.payload, server=SERVER)


def fail(request, context):
    bad_request = messages.BadRequest()
    violation = bad_request.field_violations.add()
    violation.field = request.field
    violation.description = request.description
    detail = messages.Any(type_url="type.googleapis.com/google.rpc.BadRequest", value=bad_request.SerializeToString())
    status = messages.Status(code=grpc.StatusCode.INVALID_ARGUMENT.value[0], message="The request is invalid.", details=[detail])
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(grpc.StatusCode.INVALID_ARGUMENT, status.message)


def echo_metadata(request, context):
    echoed = [(key, value) for key, value in context.invocation_metadata() if key.startswith("x-echo-")]
    context.send_initial_metadata(echoed)
    context.set_trailing_metadata([("x-trailer-" + key[len("x-echo-"):], value) for key, value in echoed])
    return messages.EchoReply(message=request.message, server=SERVER)


def wait(request, context):
    finished = threading.Event()
    context.add_callback(finished.set)
    if finished.wait(request.milliseconds / 1000.0):
        context.abort(grpc.StatusCode.CANCELLED, "cancelled")
    return messages.EchoReply(message=request.key, server=SERVER)


def handler(kind, function, request_class):
    factory = getattr(grpc, kind + "_rpc_method_handler")
    return factory(function, request_deserializer=request_class.FromString,
                   response_serializer=messages.EchoReply.SerializeToString)


handlers = grpc.method_handlers_generic_handler(interop_messages.SERVICE, {
    "Unary": handler("unary_unary", unary, messages.EchoRequest),
    "ServerStream": handler("unary_stream", server_stream, messages.StreamRequest),
    "ClientStream": handler("stream_unary", client_stream, messages.EchoRequest),
    "Bidi": handler("stream_stream", bidi, messages.EchoRequest),
    "Fail": handler("unary_unary", fail, messages.FailRequest),
    "EchoMetadata": handler("unary_unary", echo_metadata, messages.EchoRequest),
    "Wait": handler("unary_unary", wait, messages.WaitRequest),
})

server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), compression=grpc.Compression.Gzip)
server.add_generic_rpc_handlers((handlers,))
port = server.add_insecure_port("127.0.0.1:0")
server.start()
print("PORT %d" % port, flush=True)
while True:
    time.sleep(3600)
