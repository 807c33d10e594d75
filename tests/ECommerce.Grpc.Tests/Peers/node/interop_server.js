// grpc-js server implementing ecommerce.testing.v1.Interop (see interop.proto for each rpc's contract).
// Usage: node interop_server.js <descriptor set>. Prints "PORT <n>" once listening on 127.0.0.1.
'use strict';
const grpc = require('@grpc/grpc-js');
const { load } = require('./interop_proto');

const { Interop, Status, BadRequest } = load(process.argv[2]);
const SERVER = 'node';
const reply = (fields) => ({ server: SERVER, ...fields });

const implementation = {
  Unary(call, callback) {
    callback(null, reply({ message: call.request.message, payload: call.request.payload }));
  },
  ServerStream(call) {
    for (let index = 0; index < call.request.count; index++) call.write(reply({ message: `${call.request.message}${index}` }));
    call.end();
  },
  ClientStream(call, callback) {
    const messages = [];
    call.on('data', (request) => messages.push(request.message));
    call.on('end', () => callback(null, reply({ message: messages.join(','), count: messages.length })));
  },
  Bidi(call) {
    call.on('data', (request) => call.write(reply({ message: request.message, payload: request.payload })));
    call.on('end', () => call.end());
  },
  Fail(call, callback) {
    const badRequest = BadRequest.encode({ field_violations: [{ field: call.request.field, description: call.request.description }] }).finish();
    const message = 'The request is invalid.';
    const status = Status.encode({
      code: grpc.status.INVALID_ARGUMENT,
      message,
      details: [{ type_url: 'type.googleapis.com/google.rpc.BadRequest', value: badRequest }],
    }).finish();
    const metadata = new grpc.Metadata();
    metadata.set('grpc-status-details-bin', Buffer.from(status));
    callback({ code: grpc.status.INVALID_ARGUMENT, details: message, metadata });
  },
  EchoMetadata(call, callback) {
    const headers = new grpc.Metadata();
    const trailers = new grpc.Metadata();
    for (const [key, value] of Object.entries(call.metadata.getMap())) {
      if (!key.startsWith('x-echo-')) continue;
      headers.set(key, value);
      trailers.set(`x-trailer-${key.slice('x-echo-'.length)}`, value);
    }
    call.sendMetadata(headers);
    callback(null, reply({ message: call.request.message }), trailers);
  },
  Wait(call, callback) {
    const timer = setTimeout(() => callback(null, reply({ message: call.request.key })), call.request.milliseconds);
    call.on('cancelled', () => clearTimeout(timer));
  },
};

const server = new grpc.Server({ 'grpc.default_compression_algorithm': 2 });
server.addService(Interop.service, implementation);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`PORT ${port}`);
});
