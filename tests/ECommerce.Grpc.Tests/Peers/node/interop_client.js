// grpc-js client: runs every interop case against a server and prints what it observed as JSON.
// Usage: node interop_client.js <descriptor set> <host:port>
'use strict';
const grpc = require('@grpc/grpc-js');
const { load } = require('./interop_proto');

const { Interop, Status, BadRequest } = load(process.argv[2]);
const client = new Interop(process.argv[3], grpc.credentials.createInsecure());
const gzipClient = new Interop(process.argv[3], grpc.credentials.createInsecure(), {
  'grpc.default_compression_algorithm': 2, // gzip
});

const deadline = (milliseconds) => ({ deadline: new Date(Date.now() + milliseconds) });

function unaryCall(target, method, request, metadata = new grpc.Metadata(), options = deadline(10000)) {
  return new Promise((resolve, reject) => {
    let headers = null;
    let trailers = null;
    const call = target[method](request, metadata, options, (error, reply) =>
      error ? reject(error) : resolve({ reply, headers, trailers: () => trailers }));
    call.on('metadata', (received) => { headers = received; });
    call.on('status', (status) => { trailers = status.metadata; });
  });
}

function metadataAsJson(metadata) {
  const result = {};
  for (const [key, values] of Object.entries(metadata.getMap())) {
    if (key.startsWith('x-')) {
      result[key] = Buffer.isBuffer(values) ? values.toString('base64') : values;
    }
  }
  return result;
}

const cases = {
  async unary() {
    const { reply } = await unaryCall(client, 'Unary', { message: 'hello' });
    return { message: reply.message, server: reply.server };
  },
  async server_stream() {
    const call = client.ServerStream({ message: 'm', count: 3 }, deadline(10000));
    const messages = [];
    for await (const reply of call) messages.push(reply.message);
    return { messages };
  },
  async client_stream() {
    const reply = await new Promise((resolve, reject) => {
      const call = client.ClientStream(deadline(10000), (error, response) => (error ? reject(error) : resolve(response)));
      for (const message of ['a', 'b', 'c']) call.write({ message });
      call.end();
    });
    return { message: reply.message, count: reply.count };
  },
  async bidi() {
    const call = client.Bidi(deadline(10000));
    const messages = [];
    for (const message of ['x', 'y']) call.write({ message });
    call.end();
    for await (const reply of call) messages.push(reply.message);
    return { messages };
  },
  async error_details() {
    try {
      await unaryCall(client, 'Fail', { field: 'sku', description: 'must not be empty' });
      return { code: 'OK' };
    } catch (error) {
      const status = Status.decode(error.metadata.get('grpc-status-details-bin')[0]);
      const violations = status.details
        .filter((detail) => detail.type_url.endsWith('/google.rpc.BadRequest'))
        .flatMap((detail) => BadRequest.decode(detail.value).field_violations.map((v) => [v.field, v.description]));
      return { code: grpc.status[error.code], status_code: status.code, violations };
    }
  },
  async deadline() {
    try {
      await unaryCall(client, 'Wait', { key: 'node-deadline', milliseconds: 20000 }, new grpc.Metadata(), deadline(2000));
      return { code: 'OK' };
    } catch (error) {
      return { code: grpc.status[error.code] };
    }
  },
  async gzip() {
    const payload = Buffer.alloc(65536, 'a');
    const { reply } = await unaryCall(gzipClient, 'Unary', { message: 'zipped', payload });
    return { request_encoding: reply.request_encoding, payload_intact: Buffer.compare(reply.payload, payload) === 0 };
  },
  async metadata() {
    const metadata = new grpc.Metadata();
    metadata.set('x-echo-text', 'hi');
    metadata.set('x-echo-data-bin', Buffer.from([0x00, 0x01, 0xfe, 0xff]));
    const { reply, headers, trailers } = await unaryCall(client, 'EchoMetadata', { message: 'meta' }, metadata);
    return { message: reply.message, headers: metadataAsJson(headers), trailers: metadataAsJson(trailers()) };
  },
};

(async () => {
  const results = {};
  for (const [name, run] of Object.entries(cases)) {
    try {
      results[name] = await run();
    } catch (failure) {
      results[name] = { failure: String(failure) };
    }
  }
  console.log(JSON.stringify(results));
  client.close();
  gzipClient.close();
})();
