#!/usr/bin/python3
"""Python grpcio implementation of ecommerce.bench.v1.ProductBench/GetProduct, one of the
servers eng/bench-grpc.sh compares ours against.

Runs on Debian's python3-grpcio and python3-protobuf (3.21). Code that the protoc in
Grpc.Tools generates needs a newer protobuf runtime, so the messages are built at start-up
from the descriptor set `ECommerce.Grpc.Benchmarks fixtures` writes, and the method is
registered through a generic handler. Each request is still parsed and each response
serialized, as a real service would.

Usage: /usr/bin/python3 grpcio-server.py --port N --fixtures DIR [--workers THREADS]
"""
import argparse
import os
from concurrent import futures

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--fixtures", required=True)
# One worker thread per core: the handler holds the GIL for all of its few microseconds, so
# more threads only contend for it (measured on 2 cores: 4 or 8 threads were no faster and
# often slower, with more CPU per request). docs/benchmarks/grpc.md records the figures.
parser.add_argument("--workers", type=int, default=os.cpu_count())
args = parser.parse_args()

descriptors = descriptor_pb2.FileDescriptorSet.FromString(
    open(os.path.join(args.fixtures, "bench.desc"), "rb").read())
pool = descriptor_pool.DescriptorPool()
for file in descriptors.file:
    pool.Add(file)
messages = message_factory.MessageFactory(pool)
GetProductRequest = messages.GetPrototype(pool.FindMessageTypeByName("ecommerce.bench.v1.GetProductRequest"))
Product = messages.GetPrototype(pool.FindMessageTypeByName("ecommerce.bench.v1.Product"))
product = Product.FromString(open(os.path.join(args.fixtures, "product.bin"), "rb").read())

handler = grpc.method_handlers_generic_handler("ecommerce.bench.v1.ProductBench", {
    "GetProduct": grpc.unary_unary_rpc_method_handler(
        lambda request, context: product,
        request_deserializer=GetProductRequest.FromString,
        response_serializer=Product.SerializeToString),
})
server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers))
server.add_generic_rpc_handlers((handler,))
if server.add_insecure_port(f"127.0.0.1:{args.port}") == 0:
    raise SystemExit(f"grpcio-server: cannot listen on 127.0.0.1:{args.port}")
server.start()
print(f"grpcio-server: listening on http://127.0.0.1:{args.port} with {args.workers} worker threads", flush=True)
server.wait_for_termination()
