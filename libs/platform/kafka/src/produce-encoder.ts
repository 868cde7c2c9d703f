/**
 * A faster encoder for kafkajs's uncompressed Produce request (v3, which v4-v7 reuse), installed in place of
 * kafkajs's own. It writes the same bytes.
 *
 * Why: kafkajs 2.2.4 builds every record, every header and every record batch in a fresh zero-filled
 * 512-byte buffer, allocates a Buffer per varint, does 64-bit zigzag through BigInt, and copies each layer
 * into the next. A CloudEvents record carries six headers, so that encoding took most of the producer's CPU
 * time, and the idempotent producer (one request in flight per broker) cannot overlap it with the network.
 * This encoder measures the whole request first and writes it once into one buffer.
 * `produce-encoder.spec.ts` proves byte identity with kafkajs's encoder on random requests.
 *
 * kafkajs is pinned exactly (2.2.4, no longer maintained), so the internals used here cannot move under us;
 * the install fails loudly if the module layout ever differs. Compressed requests still go through kafkajs.
 */
import { createRequire } from 'node:module';

type Bytes = Buffer | string;
type HeaderValue = Bytes | Bytes[] | undefined;

/** A message as kafkajs hands it to the Produce request (its public `Message` type). */
export interface ProduceMessage {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: Record<string, HeaderValue>;
  timestamp?: string;
  partition?: number;
}

export interface ProducePartitionData {
  partition: number;
  firstSequence?: number;
  messages: ProduceMessage[];
}

/** The arguments of kafkajs's `requests/produce/v3/request`. Long ids are kafkajs `Long`s (a BigInt inside). */
export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: { topic: string; partitions: ProducePartitionData[] }[];
}

/** The part of kafkajs's Encoder that the connection reads from an encoded request. */
interface EncodedRequest {
  buf: Buffer;
  offset: number;
}

export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  expectResponse: () => boolean;
  encode: () => Promise<EncodedRequest>;
}
type ProduceRequestFactory = (args: ProduceRequestArgs) => ProduceRequest;

const requireFromKafkajs = createRequire(require.resolve('kafkajs'));
const PRODUCE_V3_MODULE = requireFromKafkajs.resolve('./src/protocol/requests/produce/v3/request');
const PRODUCE_V3_RESPONSE = requireFromKafkajs.resolve('./src/protocol/requests/produce/v3/response');
const ENCODER_MODULE = requireFromKafkajs.resolve('./src/protocol/encoder');
const LONG_MODULE = requireFromKafkajs.resolve('./src/utils/long');

const KafkajsEncoder: { prototype: object } = requireFromKafkajs(ENCODER_MODULE);
const KafkajsLong: { fromInt(value: number): unknown } = requireFromKafkajs(LONG_MODULE);

/**
 * kafkajs's own Produce v3 request, kept for compressed requests and for the byte-identity tests. Loading it
 * here (before any producer sends) also pins the module object the install below swaps.
 */
export const kafkajsProduceRequest: ProduceRequestFactory = requireFromKafkajs(PRODUCE_V3_MODULE);

const PRODUCE_API_KEY = 0;
const MAGIC_BYTE = 2;
const TRANSACTIONAL_ATTRIBUTE = 16;
const NO_COMPRESSION = 0;
// firstOffset, length, partitionLeaderEpoch, magic, crc, attributes, lastOffsetDelta, firstTimestamp,
// maxTimestamp, producerId, producerEpoch, firstSequence, record count.
const RECORD_BATCH_OVERHEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
const CRC_COVERS_FROM = 8 + 4 + 4 + 1 + 4; // the CRC covers everything after itself

// ---- varints (LEB128 of zigzag), as the record format defines them -----------------------------------

function sizeOfUnsignedVarInt(value: number): number {
  let bytes = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    bytes++;
  }
  return bytes;
}

/** Writes `value`, a non-negative integer below 2^54, as an unsigned varint. */
function writeUnsignedVarInt(buf: Buffer, offset: number, value: number): number {
  while (value >= 0x80) {
    buf[offset++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[offset++] = value;
  return offset;
}

/** Zigzag of a 32-bit varint, as kafkajs computes it (wrapping beyond 32 bits included). */
const zigzag32 = (value: number): number => ((value << 1) ^ (value >> 31)) >>> 0;

/** Zigzag of a varlong: safe integers on the fast path, anything else through BigInt as kafkajs does. */
function zigzag64(value: number): number | bigint {
  if (Number.isNaN(value)) return 0;
  if (Number.isSafeInteger(value)) return value >= 0 ? value * 2 : -value * 2 - 1;
  const big = BigInt(value); // a fraction throws here, as it does in kafkajs
  return (big << 1n) ^ (big >> 63n);
}

function sizeOfVarLong(zigzagged: number | bigint): number {
  if (typeof zigzagged === 'number') return sizeOfUnsignedVarInt(zigzagged);
  let bytes = 1;
  for (let v = zigzagged; (v & 0xffffffffffffff80n) !== 0n; v >>= 7n) bytes++;
  return bytes;
}

function writeVarLong(buf: Buffer, offset: number, zigzagged: number | bigint): number {
  if (typeof zigzagged === 'number') return writeUnsignedVarInt(buf, offset, zigzagged);
  let v = zigzagged;
  for (; (v & 0xffffffffffffff80n) !== 0n; v >>= 7n) buf[offset++] = Number(v & 0x7fn) | 0x80;
  buf[offset++] = Number(v);
  return offset;
}

// ---- fixed-width fields -----------------------------------------------------------------------------

/** An INT64 as kafkajs's Long reads it from a number, a numeric string, a bigint or a Long. */
function int64Of(value: unknown): bigint {
  if (typeof value === 'number') return Number.isNaN(value) ? 0n : BigInt(value);
  if (typeof value === 'bigint') return value;
  if (typeof value === 'string') {
    if (value.length === 0) throw new Error('empty string');
    return ['NaN', 'Infinity', '+Infinity', '-Infinity'].includes(value) ? 0n : BigInt(value);
  }
  const long = value as { value?: unknown };
  return typeof long?.value === 'bigint' ? long.value : BigInt(value as never);
}

function writeInt64(buf: Buffer, offset: number, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    const high = Math.floor(value / 0x1_0000_0000);
    buf.writeInt32BE(high, offset);
    buf.writeUInt32BE(value - high * 0x1_0000_0000, offset + 4);
    return offset + 8;
  }
  return buf.writeBigInt64BE(BigInt.asIntN(64, int64Of(value)), offset);
}

/** A nullable STRING: INT16 length (−1 for null), then UTF-8. */
function writeString(buf: Buffer, offset: number, value: string | null): number {
  if (value == null) return buf.writeInt16BE(-1, offset);
  const length = Buffer.byteLength(value, 'utf8');
  offset = buf.writeInt16BE(length, offset);
  return offset + buf.write(value, offset, length, 'utf8');
}

const sizeOfString = (value: string | null): number => 2 + (value == null ? 0 : Buffer.byteLength(value, 'utf8'));

// ---- records ----------------------------------------------------------------------------------------

/** A nullable byte field of a record: its length (−1 for null) as a varint, then the bytes. */
interface Field {
  value: Bytes | null;
  length: number;
}

function field(value: Bytes | null | undefined): Field {
  if (value == null) return { value: null, length: -1 };
  if (Buffer.isBuffer(value)) return { value, length: value.length };
  const text = String(value);
  return { value: text, length: Buffer.byteLength(text, 'utf8') };
}

const sizeOfField = (f: Field): number => sizeOfUnsignedVarInt(zigzag32(f.length)) + Math.max(f.length, 0);

function writeField(buf: Buffer, offset: number, f: Field): number {
  offset = writeUnsignedVarInt(buf, offset, zigzag32(f.length));
  if (f.value === null) return offset;
  if (typeof f.value === 'string') return offset + buf.write(f.value, offset, f.length, 'utf8');
  return offset + f.value.copy(buf, offset);
}

/** A record measured and ready to write: its fields, and its body size (what its length prefix says). */
interface MeasuredRecord {
  timestamp: number | bigint;
  offsetDelta: number;
  key: Field;
  value: Field;
  headers: Field[];
  bodySize: number;
  size: number;
}

function headerFields(headers: ProduceMessage['headers']): Field[] {
  const fields: Field[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      // kafkajs cannot encode a missing header value either (it throws measuring it); say which.
      if (one == null) throw new TypeError(`Kafka header "${key}" has no value`);
      fields.push(field(key), field(one));
    }
  }
  return fields;
}

function measureRecord(message: ProduceMessage, offsetDelta: number, timestampDelta: number): MeasuredRecord {
  const key = field(message.key);
  const value = field(message.value);
  const headers = headerFields(message.headers);
  const timestamp = zigzag64(timestampDelta);
  let bodySize =
    1 + // attributes
    sizeOfVarLong(timestamp) +
    sizeOfUnsignedVarInt(zigzag32(offsetDelta)) +
    sizeOfField(key) +
    sizeOfField(value) +
    sizeOfUnsignedVarInt(zigzag32(headers.length / 2));
  for (const f of headers) bodySize += sizeOfField(f);
  return {
    timestamp,
    offsetDelta,
    key,
    value,
    headers,
    bodySize,
    size: sizeOfUnsignedVarInt(zigzag32(bodySize)) + bodySize,
  };
}

function writeRecord(buf: Buffer, offset: number, record: MeasuredRecord): number {
  offset = writeUnsignedVarInt(buf, offset, zigzag32(record.bodySize));
  buf[offset++] = 0; // record attributes: none are defined
  offset = writeVarLong(buf, offset, record.timestamp);
  offset = writeUnsignedVarInt(buf, offset, zigzag32(record.offsetDelta));
  offset = writeField(buf, offset, record.key);
  offset = writeField(buf, offset, record.value);
  offset = writeUnsignedVarInt(buf, offset, zigzag32(record.headers.length / 2));
  for (const f of record.headers) offset = writeField(buf, offset, f);
  return offset;
}

// ---- record batches ---------------------------------------------------------------------------------

interface MeasuredBatch {
  partition: number;
  firstSequence: number;
  firstTimestamp: unknown;
  maxTimestamp: unknown;
  records: MeasuredRecord[];
  size: number;
}

/**
 * Timestamps exactly as kafkajs derives them: the batch's first and max timestamps are the ends of the
 * messages' timestamps sorted as strings (a kafkajs quirk kept for byte identity), else the send time.
 */
function measureBatch({ partition, firstSequence = 0, messages }: ProducePartitionData): MeasuredBatch {
  const now = Date.now();
  const stamped = messages
    .map((m) => m.timestamp)
    .filter((t) => t != null)
    .sort();
  const timestamps: unknown[] = stamped.length === 0 ? [now] : stamped;
  const firstTimestamp = timestamps[0];
  const maxTimestamp = timestamps[timestamps.length - 1];
  let size = RECORD_BATCH_OVERHEAD;
  const records = messages.map((message, i) => {
    const timestampDelta = ((message.timestamp || now) as number) - (firstTimestamp as number);
    const record = measureRecord(message, i, timestampDelta);
    size += record.size;
    return record;
  });
  return { partition, firstSequence, firstTimestamp, maxTimestamp, records, size };
}

function writeBatch(
  buf: Buffer,
  offset: number,
  batch: MeasuredBatch,
  producerId: unknown,
  producerEpoch: number,
  transactional: boolean,
): number {
  const start = offset;
  offset = writeInt64(buf, offset, 0); // firstOffset: the broker assigns offsets
  offset = buf.writeInt32BE(batch.size - 12, offset); // length of what follows
  offset = buf.writeInt32BE(0, offset); // partitionLeaderEpoch
  offset = buf.writeInt8(MAGIC_BYTE, offset);
  const crcAt = offset;
  offset += 4;
  offset = buf.writeInt16BE(NO_COMPRESSION | (transactional ? TRANSACTIONAL_ATTRIBUTE : 0), offset);
  offset = buf.writeInt32BE(batch.records.length - 1, offset); // lastOffsetDelta
  offset = writeInt64(buf, offset, batch.firstTimestamp);
  offset = writeInt64(buf, offset, batch.maxTimestamp);
  offset = writeInt64(buf, offset, producerId);
  offset = buf.writeInt16BE(producerEpoch, offset);
  offset = buf.writeInt32BE(batch.firstSequence, offset);
  offset = buf.writeInt32BE(batch.records.length, offset);
  for (const record of batch.records) offset = writeRecord(buf, offset, record);
  buf.writeUInt32BE(crc32c(buf, start + CRC_COVERS_FROM, offset), crcAt);
  return offset;
}

// ---- the request ------------------------------------------------------------------------------------

/** The Produce v3 request body, byte for byte as kafkajs writes it uncompressed. */
export function encodeProduceRequestBody({
  acks,
  timeout,
  transactionalId = null,
  producerId = KafkajsLong.fromInt(-1),
  producerEpoch = 0,
  topicData,
}: ProduceRequestArgs): Buffer {
  let size = sizeOfString(transactionalId) + 2 + 4 + 4;
  const topics = topicData.map(({ topic, partitions }) => {
    size += sizeOfString(topic) + 4;
    return {
      topic,
      batches: partitions.map((data) => {
        const batch = measureBatch(data);
        size += 4 + 4 + batch.size;
        return batch;
      }),
    };
  });

  const buf = Buffer.allocUnsafe(size);
  let offset = writeString(buf, 0, transactionalId);
  offset = buf.writeInt16BE(acks, offset);
  offset = buf.writeInt32BE(timeout, offset);
  offset = buf.writeInt32BE(topics.length, offset);
  for (const { topic, batches } of topics) {
    offset = writeString(buf, offset, topic);
    offset = buf.writeInt32BE(batches.length, offset);
    for (const batch of batches) {
      offset = buf.writeInt32BE(batch.partition, offset);
      offset = buf.writeInt32BE(batch.size, offset);
      offset = writeBatch(buf, offset, batch, producerId, producerEpoch, !!transactionalId);
    }
  }
  if (offset !== size) throw new Error(`Produce request measured ${size} bytes but wrote ${offset}`);
  return buf;
}

/** Drop-in for kafkajs's `requests/produce/v3/request`. */
export const produceRequest: ProduceRequestFactory = (args) => {
  if ((args.compression ?? NO_COMPRESSION) !== NO_COMPRESSION) return kafkajsProduceRequest(args);
  return {
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => args.acks !== 0,
    encode: async () => {
      const buf = encodeProduceRequestBody(args);
      // The connection reads the body through kafkajs's Encoder (`buffer`, `size()`); give it one that
      // wraps the finished buffer instead of allocating its own.
      const encoder = Object.create(KafkajsEncoder.prototype) as EncodedRequest;
      encoder.buf = buf;
      encoder.offset = buf.length;
      return encoder;
    },
  };
};

// ---- CRC-32C (Castagnoli), slicing by 8 -------------------------------------------------------------

const CRC_TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Int32Array(256)) as [
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
    Int32Array,
  ];
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0][n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) tables[t][n] = (tables[t - 1][n] >>> 8) ^ tables[0][tables[t - 1][n] & 0xff];
  }
  return tables;
})();

/** CRC-32C of buf[start, end), the checksum a RecordBatch carries. */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC_TABLES;
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      t7[low & 0xff] ^
      t6[(low >>> 8) & 0xff] ^
      t5[(low >>> 16) & 0xff] ^
      t4[low >>> 24] ^
      t3[buf[i + 4]] ^
      t2[buf[i + 5]] ^
      t1[buf[i + 6]] ^
      t0[buf[i + 7]];
  }
  for (; i < end; i++) crc = t0[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

// ---- install ----------------------------------------------------------------------------------------

interface CachedModule {
  exports: unknown;
}

/**
 * Makes kafkajs's produce path use `produceRequest`, and says whether it does. kafkajs's Produce v4-v7
 * requests capture the v3 module when they first load, on the first send; a swap after that would change
 * nothing, so the process keeps kafkajs's encoder (same bytes, only slower) and the caller is told.
 */
export function installProduceEncoder(): boolean {
  const cache = requireFromKafkajs.cache as Record<string, CachedModule | undefined>;
  const v3 = cache[PRODUCE_V3_MODULE];
  if (!v3) throw new Error(`kafkajs Produce request module not found at ${PRODUCE_V3_MODULE}`);
  if (v3.exports === produceRequest) return true;
  if (cache[PRODUCE_V3_RESPONSE] || cache[requireFromKafkajs.resolve('./src/protocol/requests/produce/v4/request')])
    return false;
  v3.exports = produceRequest;
  return true;
}
