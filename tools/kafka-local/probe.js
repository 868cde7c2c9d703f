#!/usr/bin/env node
// Readiness probe through the Kafka protocol itself, with no dependency, so it works before `npm ci`.
// Sends one Metadata v4 request (Kafka 4 removed v0-v3) and exits 0 once the answer lists at least one
// registered broker; a socket that merely accepts connections is not a ready broker.
'use strict';
const net = require('node:net');

const [host = '127.0.0.1', port = '9092'] = process.argv.slice(2);
const METADATA = 3;
const VERSION = 4;
const clientId = Buffer.from('kafka-local-probe');

const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1);
let o = 0;
o = body.writeInt16BE(METADATA, o);
o = body.writeInt16BE(VERSION, o);
o = body.writeInt32BE(1, o); // correlation id
o = body.writeInt16BE(clientId.length, o);
o += clientId.copy(body, o);
o = body.writeInt32BE(-1, o); // topics: null = all
body.writeInt8(0, o); // allow_auto_topic_creation: false
const frame = Buffer.concat([Buffer.alloc(4), body]);
frame.writeInt32BE(body.length, 0);

const socket = net.connect({ host, port: Number(port) });
let received = Buffer.alloc(0);
const fail = (why) => {
  if (process.env.PROBE_VERBOSE) console.error(why);
  socket.destroy();
  process.exit(1);
};
socket.setTimeout(3000, () => fail('timeout'));
socket.on('error', (e) => fail(e.message));
socket.on('connect', () => socket.write(frame));
socket.on('data', (chunk) => {
  received = Buffer.concat([received, chunk]);
  if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
  // size(4) correlation_id(4) throttle_time_ms(4) brokers_count(4)
  const brokers = received.readInt32BE(12);
  socket.end();
  if (brokers >= 1) process.exit(0);
  fail('no broker registered yet');
});
