// grpc-js implementation of ecommerce.bench.v1.ProductBench/GetProduct, one of the servers
// eng/bench-grpc.sh compares ours against. Messages come from the descriptor set and response
// fixture that `ECommerce.Grpc.Benchmarks fixtures` writes, so it answers with the same bytes;
// grpc-js still deserializes each request and serializes each response, as a real service would.
// Usage: NODE_PATH=eng/node/node_modules node grpc-js-server.js --port N --fixtures DIR
'use strict';
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function option(name) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0 || index + 1 >= process.argv.length) {
    console.error(`grpc-js-server: --${name} is required`);
    process.exit(2);
  }
  return process.argv[index + 1];
}

const port = Number(option('port'));
const fixtures = option('fixtures');
const definition = protoLoader.loadFileDescriptorSetFromBuffer(fs.readFileSync(path.join(fixtures, 'bench.desc')));
const service = grpc.loadPackageDefinition(definition).ecommerce.bench.v1.ProductBench.service;
const product = service.GetProduct.responseDeserialize(fs.readFileSync(path.join(fixtures, 'product.bin')));

const server = new grpc.Server();
server.addService(service, { GetProduct: (_call, callback) => callback(null, product) });
server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
  if (error) {
    console.error(`grpc-js-server: ${error.message}`);
    process.exit(1);
  }
  console.log(`grpc-js-server: listening on http://127.0.0.1:${bound}`);
});
