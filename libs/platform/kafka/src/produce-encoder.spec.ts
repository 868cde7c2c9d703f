import fc from 'fast-check';
import { createRequire } from 'node:module';
import {
  crc32c,
  encodeProduceRequestBody,
  installProduceEncoder,
  kafkajsProduceRequest,
  produceRequest,
  type ProduceMessage,
  type ProduceRequestArgs,
} from './produce-encoder';

const requireFromKafkajs = createRequire(require.resolve('kafkajs'));
const kafkajsCrc32c: (buf: Buffer) => number = requireFromKafkajs('./src/protocol/recordBatch/crc32C');
const Long: { fromValue(value: unknown): unknown } = requireFromKafkajs('./src/utils/long');

async function kafkajsBytes(args: ProduceRequestArgs): Promise<Buffer> {
  const encoder = (await kafkajsProduceRequest(args).encode()) as unknown as { buffer: Buffer };
  return encoder.buffer;
}

const bytes = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
);
const headerValue = fc.oneof(bytes, fc.array(bytes, { minLength: 1, maxLength: 3 }));
const timestamp = fc.bigInt({ min: 0n, max: 4_000_000_000_000n }).map(String);
const message: fc.Arbitrary<ProduceMessage> = fc.record(
  {
    key: fc.oneof(fc.constant(null), bytes),
    value: fc.oneof(fc.constant(null), bytes, fc.string({ minLength: 200, maxLength: 400 })),
    headers: fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 12 }), headerValue, { maxKeys: 7 }),
    timestamp,
  },
  { requiredKeys: ['value'] },
);
const request: fc.Arbitrary<ProduceRequestArgs> = fc.record({
  acks: fc.constantFrom(-1, 1),
  timeout: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  transactionalId: fc.oneof(fc.constant(null), fc.string({ maxLength: 20 })),
  producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }).map((id) => Long.fromValue(id)),
  producerEpoch: fc.integer({ min: 0, max: 32767 }),
  topicData: fc.array(
    fc.record({
      topic: fc.string({ minLength: 1, maxLength: 30 }),
      partitions: fc.array(
        fc.record({
          partition: fc.nat(1000),
          firstSequence: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          messages: fc.array(message, { maxLength: 8 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
});

describe('Produce request encoder', () => {
  // Batches without message timestamps are stamped with the send time; both encoders must see the same one.
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(1_790_000_000_123));
  afterEach(() => jest.restoreAllMocks());

  it('writes the bytes kafkajs writes, for any uncompressed request', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (args) => {
        expect(encodeProduceRequestBody(args).equals(await kafkajsBytes(args))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes what kafkajs writes for the records our Bus sends: CloudEvents headers, no timestamps', async () => {
    const messages = Array.from({ length: 50 }, (_, i) => ({
      key: `ven-${i % 7}:r1`,
      value: JSON.stringify({ seq: i, pad: 'é'.repeat(i) }),
      headers: {
        ce_specversion: '1.0',
        ce_id: `id-${i}`,
        ce_type: 'meter.reading',
        ce_source: 'bench',
        ce_time: '2026-11-24T12:00:00.000Z',
        'content-type': 'application/json',
      },
    }));
    const args = {
      acks: -1,
      timeout: 30_000,
      producerId: Long.fromValue(4711),
      producerEpoch: 3,
      topicData: [{ topic: 'meter.readings', partitions: [{ partition: 2, firstSequence: 100, messages }] }],
    };
    const ours = encodeProduceRequestBody(args);
    expect(ours.equals(await kafkajsBytes(args))).toBe(true);
    const viaFactory = (await produceRequest(args).encode()) as unknown as { buffer: Buffer; size(): number };
    expect(viaFactory.buffer.equals(ours)).toBe(true);
    expect(viaFactory.size()).toBe(ours.length);
  });

  it('leaves compressed requests to kafkajs', async () => {
    const args = {
      acks: -1,
      timeout: 1000,
      compression: 1,
      topicData: [
        { topic: 't', partitions: [{ partition: 0, messages: [{ value: 'x'.repeat(100), timestamp: '1' }] }] },
      ],
    };
    const ours = (await produceRequest(args).encode()) as unknown as { buffer: Buffer };
    expect(ours.buffer.equals(await kafkajsBytes(args))).toBe(true);
  });

  it('refuses a header without a value, as kafkajs does', async () => {
    const args = {
      acks: -1,
      timeout: 1000,
      topicData: [
        { topic: 't', partitions: [{ partition: 0, messages: [{ value: 'v', headers: { ce_id: undefined } }] }] },
      ],
    };
    expect(() => encodeProduceRequestBody(args)).toThrow('Kafka header "ce_id" has no value');
    await expect(kafkajsBytes(args)).rejects.toThrow();
  });

  it('computes the CRC-32C kafkajs computes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(20), (data, skip) => {
        const buf = Buffer.from(data);
        const start = Math.min(skip, buf.length);
        expect(crc32c(buf, start)).toBe(kafkajsCrc32c(buf.subarray(start)));
      }),
    );
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283); // the CRC-32C check value
  });

  it('is installed in kafkajs before the first send', () => {
    expect(installProduceEncoder()).toBe(true);
    expect(requireFromKafkajs('./src/protocol/requests/produce/v3/request')).toBe(produceRequest);
    expect(installProduceEncoder()).toBe(true);
  });
});
