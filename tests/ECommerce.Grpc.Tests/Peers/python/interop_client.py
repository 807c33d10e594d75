"""grpcio client: runs every interop case against a server and prints what it observed as JSON.

Usage: interop_client.py <descriptor set> <host:port>
"""
import base64
import json
import sys

import grpc

import interop_messages

messages = interop_messages.load(sys.argv[1])

channel = grpc.insecure_channel(sys.argv[2])


def method(kind, name, request_class):
    factory = getattr(channel, kind)
    return factory(interop_messages.path(name),
                   request_serializer=request_class.SerializeToString,
                   response_deserializer=messages.EchoReply.FromString)


def metadata_as_json(metadata):
    return {key: base64.b64encode(value).decode() if key.endswith("-bin") else value
            for key, value in metadata if key.startswith("x-")}


def unary():
    reply = method("unary_unary", "Unary", messages.EchoRequest)(messages.EchoRequest(message="hello"), timeout=10)
    return {"message": reply.message, "server": reply.server}


def server_stream():
    replies = method("unary_stream", "ServerStream", messages.StreamRequest)(messages.StreamRequest(message="m", count=3), timeout=10)
    return {"messages": [reply.message for reply in replies]}


def client_stream():
    requests = iter([messages.EchoRequest(message=text) for text in ("a", "b", "c")])
    reply = method("stream_unary", "ClientStream", messages.EchoRequest)(requests, timeout=10)
    return {"message": reply.message, "count": reply.count}


def bidi():
    requests = iter([messages.EchoRequest(message=text) for text in ("x", "y")])
    replies = method("stream_stream", "Bidi", messages.EchoRequest)(requests, timeout=10)
    return {"messages": [reply.message for reply in replies]}


def error_details():
    try:
        method("unary_unary", "Fail", messages.FailRequest)(messages.FailRequest(field="sku", description="must not be empty"), timeout=10)
        return {"code": "OK"}
    except grpc.RpcError as error:
        details = dict(error.trailing_metadata()).get("grpc-status-details-bin")
        status = messages.Status.FromString(details)
        violations = []
        for detail in status.details:
            if detail.type_url.endswith("/google.rpc.BadRequest"):
                violations += [[v.field, v.description] for v in messages.BadRequest.FromString(detail.value).field_violations]
        return {"code": error.code().name, "status_code": status.code, "violations": violations}


def deadline():
    try:
        method("unary_unary", "Wait", messages.WaitRequest)(messages.WaitRequest(key="python-deadline", milliseconds=20000), timeout=2.0)
        return {"code": "OK"}
    except grpc.RpcError as error:
        return {"code": error.code().name}


def gzip():
    payload = b"a" * 65536
    reply = method("unary_unary", "Unary", messages.EchoRequest)(
        messages.EchoRequest(message="zipped", payload=payload), timeout=10, compression=grpc.Compression.Gzip)
    return {"request_encoding": reply.request_encoding, "payload_intact": reply.payload == payload}


def metadata():
    reply, call = method("unary_unary", "EchoMetadata", messages.EchoRequest).with_call(
        messages.EchoRequest(message="meta"), timeout=10,
        metadata=(("x-echo-text", "hi"), ("x-echo-data-bin", b"\x00\x01\xfe\xff")))
    return {"message": reply.message,
            "headers": metadata_as_json(call.initial_metadata()),
            "trailers": metadata_as_json(call.trailing_metadata())}


results = {}
for case in (unary, server_stream, client_stream, bidi, error_details, deadline, gzip, metadata):
    try:
        results[case.__name__] = case()
    except Exception as failure:  # a failed case is reported, the others still run
        results[case.__name__] = {"failure": repr(failure)}
print(json.dumps(results))
