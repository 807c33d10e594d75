// The ecommerce.testing.v1 service and google.rpc messages, loaded from a protoc descriptor set so the
// node peers use the same contract as the C# and python ones without generating code.
'use strict';
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');
require('protobufjs/ext/descriptor');

function load(descriptorSetPath) {
  const descriptorSet = fs.readFileSync(descriptorSetPath);
  const packageDefinition = protoLoader.loadFileDescriptorSetFromBuffer(descriptorSet, {
    keepCase: true,
    longs: String,
    defaults: true,
  });
  const root = protobuf.Root.fromDescriptor(descriptorSet);
  return {
    Interop: grpc.loadPackageDefinition(packageDefinition).ecommerce.testing.v1.Interop,
    Status: root.lookupType('google.rpc.Status'),
    BadRequest: root.lookupType('google.rpc.BadRequest'),
  };
}

module.exports = { load };
