import { examples } from './examples.test-util';
import {
  catalog,
  ContractValidator,
  deadLetterConfig,
  deadLetterTopicOf,
  physicalTopics,
  type TopicDefinition,
} from './index';

describe('contract validation', () => {
  const validator = new ContractValidator(catalog);
  const reading = { meterId: 'ven1:r1', startTime: 0, endTime: 900_000, energyWh: 12, source: 'test' };

  it('accepts a valid meter.reading keyed by its meterId', () => {
    expect(validator.check('meter.readings', 'meter.reading', 'ven1:r1', reading)).toEqual({ ok: true });
  });

  it('names the failing field of an invalid record', () => {
    const check = validator.check('meter.readings', 'meter.reading', 'ven1:r1', { ...reading, energyWh: 1.5 });
    expect(check).toEqual({ ok: false, reason: 'meter.reading data /energyWh must be integer' });
  });

  it('refuses an event type the topic does not carry', () => {
    const check = validator.check('meter.readings', 'meter.read', 'ven1:r1', reading);
    expect(check.ok).toBe(false);
    expect(check.ok === false && check.reason).toMatch(/event type meter.read is not allowed on meter.readings/);
  });

  it('refuses a topic that is not in the catalog', () => {
    expect(validator.check('meter.reading', 'meter.reading', 'ven1:r1', reading)).toEqual({
      ok: false,
      reason: 'topic meter.reading is not in the catalog',
    });
  });

  it('refuses a record whose key is not the key field of its data', () => {
    const check = validator.check('meter.readings', 'meter.reading', 'other', reading);
    expect(check).toEqual({ ok: false, reason: 'record key "other" differs from meterId "ven1:r1"' });
  });

  it('lists a dead-letter topic beside every catalog topic', () => {
    const names = physicalTopics(catalog).map((t) => t.name);
    for (const name of Object.keys(catalog)) expect(names).toContain(deadLetterTopicOf(name));
  });
});

describe('the catalog', () => {
  const validator = new ContractValidator(catalog);
  const topics = Object.entries(catalog) as [string, TopicDefinition][];

  it('holds exactly the topics of DESIGN.md with their keys, plus the outbox checkpoints', () => {
    expect(Object.fromEntries(topics.map(([name, t]) => [name, t.key]))).toEqual({
      'openadr.events': 'eventId',
      'openadr.opt': 'eventId',
      'openadr.ven-status': 'venId',
      'powermatcher.bids': 'agentId',
      'powermatcher.prices': 'clusterId',
      's2.frames': 'sessionId',
      'meter.readings': 'meterId',
      'p2p.producer-output': 'producerId',
      'p2p.payment-requests': 'consumerId',
      'p2p.payments': 'paymentId',
      'p2p.settlements': 'gridId',
      'flexgrid.outbox-checkpoints': 'outbox',
    });
  });

  it('names who reads each topic through a consumer group (the KafkaUsers in deploy/ are derived from it)', () => {
    expect(Object.fromEntries(topics.map(([name, t]) => [name, t.consumers]))).toEqual({
      'openadr.events': ['powermatcher-auctioneer'],
      'openadr.opt': [],
      'openadr.ven-status': [],
      'powermatcher.bids': [],
      'powermatcher.prices': [],
      's2.frames': [],
      'meter.readings': ['p2p-producer', 'p2p-grid'],
      'p2p.producer-output': ['p2p-grid'],
      'p2p.payment-requests': ['p2p-wallet'],
      'p2p.payments': ['p2p-producer', 'p2p-grid', 'p2p-wallet', 'p2p-payment-rail'],
      'p2p.settlements': [],
      'flexgrid.outbox-checkpoints': [],
    });
  });

  it('keys every topic by its own name', () => {
    for (const [name, t] of topics) expect(t.name).toBe(name);
  });

  it('keys the event types the specs key differently by their own field', () => {
    const overrides = Object.fromEntries(
      topics.filter(([, t]) => t.keyByEventType).map(([name, t]) => [name, t.keyByEventType]),
    );
    expect(overrides).toEqual({
      'openadr.opt': { 'openadr.opt.schedule': 'venId', 'openadr.opt.cancelled': ['eventId', 'venId'] },
      'powermatcher.bids': { 'powermatcher.bid.aggregated': 'matcherId' },
    });
  });

  it('lays every topic out with 1 to 12 partitions and a retention that is positive or forever', () => {
    for (const [, t] of topics) {
      expect(Number.isInteger(t.config.partitions) && t.config.partitions >= 1 && t.config.partitions <= 12).toBe(true);
      expect(t.config.retentionMs === -1 || t.config.retentionMs > 0).toBe(true);
    }
    expect(catalog['p2p.settlements'].config.retentionMs).toBe(-1);
    // A settlement version of 10,000 members is about 3.4 MB (P2P SPEC §9.3).
    expect(catalog['p2p.settlements'].config.maxMessageBytes).toBe(16 * 1024 * 1024);
    expect(catalog['flexgrid.outbox-checkpoints'].config).toEqual({
      partitions: 1,
      retentionMs: -1,
      cleanupPolicy: 'compact',
    });
  });

  it('gives every topic exactly one dead-letter topic with the dead-letter layout', () => {
    const physical = physicalTopics(catalog);
    expect(physical).toHaveLength(2 * topics.length);
    expect(new Set(physical.map((t) => t.name)).size).toBe(physical.length);
    for (const [name, t] of topics) {
      expect(physical).toContainEqual({ name, config: t.config });
      expect(physical).toContainEqual({ name: `${name}.dlq`, config: deadLetterConfig });
    }
  });

  it('has a valid example for every event type, and an example for nothing else', () => {
    for (const [name, t] of topics) {
      expect(Object.keys(examples[name as keyof typeof examples]).sort()).toEqual(Object.keys(t.events).sort());
    }
  });

  describe.each(topics.flatMap(([name, t]) => Object.keys(t.events).map((type) => [name, type] as const)))(
    '%s %s',
    (topic, type) => {
      const example = (
        examples as unknown as Record<string, Record<string, { key: string; data: Record<string, unknown> }>>
      )[topic][type];

      it('accepts the spec example under its key', () => {
        expect(validator.check(topic, type, example.key, example.data)).toEqual({ ok: true });
      });

      it('refuses the spec example under another key', () => {
        const check = validator.check(topic, type, `${example.key}-other`, example.data);
        expect(check.ok === false && check.reason).toMatch(
          new RegExp(`^record key "${example.key}-other" differs from \\w+ "${example.key}"$`),
        );
      });

      it('refuses a record without data', () => {
        expect(validator.check(topic, type, example.key, null)).toEqual({
          ok: false,
          reason: `${type} data / must be object`,
        });
      });
    },
  );
});
