import type { MeterReading } from '@flexgrid/contracts';
import {
  type Bus,
  ContractViolation,
  type DeliveredEvent,
  type OutgoingEvent,
  type TopicPartition,
  UnprocessableEvent,
} from './bus';
import type { ConsumedRecord } from './delivery';
import type { EncodedRecord } from './cloudevents';

/** What the contract suite needs from a backend; one harness per test, so tests never share topics or groups. */
export interface BusHarness {
  /** A new client of the same broker, as a restarted service would be. */
  connect(): Promise<Bus>;
  /** Writes a record as is, bypassing validation: what a foreign or broken producer could do. */
  injectRaw(topic: string, record: EncodedRecord): Promise<void>;
  deadLetters(topic: string): Promise<ConsumedRecord[]>;
  close(): Promise<void>;
}

const TOPIC = 'meter.readings';

export function reading(meterId: string, seq: number): OutgoingEvent<MeterReading> {
  return {
    type: 'meter.reading',
    key: meterId,
    id: `${meterId}:${seq}`,
    data: {
      meterId,
      startTime: seq * 900_000,
      endTime: (seq + 1) * 900_000,
      energyWh: seq,
      source: 'bus-contract-test',
    },
  };
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const seqOf = (e: DeliveredEvent) => (e.data as MeterReading).energyWh!;

/** The behaviour every Bus implementation must show (libs/platform/kafka README, "Semantics"). */
export function busContract(name: string, makeHarness: () => Promise<BusHarness>): void {
  describe(`Bus contract: ${name}`, () => {
    let harness: BusHarness;
    const buses: Bus[] = [];
    const connect = async () => {
      const bus = await harness.connect();
      buses.push(bus);
      return bus;
    };

    beforeEach(async () => {
      harness = await makeHarness();
    });
    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.stop()));
      await harness.close();
    });

    it('delivers published events with their CloudEvents attributes', async () => {
      const bus = await connect();
      const got: DeliveredEvent[] = [];
      await bus.subscribe({ group: 'g', topics: [TOPIC], fromBeginning: true, handler: async (e) => void got.push(e) });
      await bus.publish(TOPIC, [{ ...reading('m1', 7), time: '2026-11-24T10:00:00.000Z', subject: 'sub' }]);
      await eventually(() => got.length === 1, 'one event');
      expect(got[0]).toMatchObject({
        id: 'm1:7',
        type: 'meter.reading',
        source: expect.any(String),
        time: '2026-11-24T10:00:00.000Z',
        subject: 'sub',
        key: 'm1',
        topic: TOPIC,
        attempt: 1,
        data: reading('m1', 7).data,
      });
    });

    it('keeps per-key order across batches and partitions', async () => {
      const bus = await connect();
      const seen = new Map<string, number[]>();
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void (seen.get(e.key) ?? seen.set(e.key, []).get(e.key)!).push(seqOf(e)),
      });
      const keys = Array.from({ length: 12 }, (_, i) => `meter-${i}`);
      for (let batch = 0; batch < 5; batch++) {
        await bus.publish(
          TOPIC,
          keys.flatMap((k) => [0, 1, 2, 3].map((i) => reading(k, batch * 4 + i))),
        );
      }
      await eventually(() => [...seen.values()].reduce((n, s) => n + s.length, 0) === 12 * 20, 'all 240 events');
      for (const k of keys) expect(seen.get(k)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('resumes a restarted consumer group from its last commit, losing nothing', async () => {
      const first = await connect();
      const firstRun: number[] = [];
      const sub = await first.subscribe({
        group: 'resume',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void firstRun.push(seqOf(e)),
      });
      await first.publish(
        TOPIC,
        Array.from({ length: 30 }, (_, i) => reading('m', i)),
      );
      await eventually(() => firstRun.length === 30, 'the first 30 events');
      await sub.stop();

      await first.publish(
        TOPIC,
        Array.from({ length: 30 }, (_, i) => reading('m', 30 + i)),
      );
      const second = await connect();
      const secondRun: number[] = [];
      await second.subscribe({
        group: 'resume',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void secondRun.push(seqOf(e)),
      });
      await eventually(() => secondRun.length >= 30, 'the next 30 events');
      // The stop committed everything handled, so the restart starts exactly where the first run ended.
      expect(secondRun).toEqual(Array.from({ length: 30 }, (_, i) => 30 + i));
      expect(firstRun).toEqual(Array.from({ length: 30 }, (_, i) => i));
    });

    it('redelivers an event whose handler failed, before the events after it', async () => {
      const bus = await connect();
      const attempts: string[] = [];
      let failuresLeft = 2;
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => {
          attempts.push(`${seqOf(e)}#${e.attempt}`);
          if (seqOf(e) === 1 && failuresLeft-- > 0) throw new Error('database unavailable');
        },
      });
      await bus.publish(TOPIC, [reading('m', 0), reading('m', 1), reading('m', 2)]);
      await eventually(() => attempts.includes('2#1'), 'the event after the failing one');
      expect(attempts).toEqual(['0#1', '1#1', '1#2', '1#3', '2#1']);
    });

    it('dead-letters a schema-invalid record with the reason and keeps the partition flowing', async () => {
      const bus = await connect();
      const got: number[] = [];
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void got.push(seqOf(e)),
      });
      await bus.publish(TOPIC, [reading('m', 0)]);
      const poison = { ...reading('m', 1).data, energyWh: 'a lot' };
      await harness.injectRaw(TOPIC, {
        key: 'm',
        value: JSON.stringify(poison),
        headers: {
          ce_specversion: '1.0',
          ce_id: 'poison',
          ce_type: 'meter.reading',
          ce_source: 'rogue',
          'content-type': 'application/json',
        },
      });
      await harness.injectRaw(TOPIC, {
        key: 'm',
        value: '{not json',
        headers: { ce_specversion: '1.0', ce_id: 'garbage', ce_type: 'meter.reading', ce_source: 'rogue' },
      });
      await bus.publish(TOPIC, [reading('m', 2), reading('m', 3)]);
      await eventually(() => got.length === 3, 'the valid events around the poison records');
      expect(got).toEqual([0, 2, 3]);

      let dead: ConsumedRecord[] = [];
      await eventually(async () => (dead = await harness.deadLetters(TOPIC)).length === 2, 'two dead letters');
      expect(dead.map((d) => d.headers['ce_id'])).toEqual(['poison', 'garbage']);
      expect(dead[0].headers['dlq_reason']).toBe('meter.reading data /energyWh must be integer');
      expect(dead[0].value).toBe(JSON.stringify(poison));
      expect(dead[0].headers).toMatchObject({ dlq_topic: TOPIC, dlq_group: 'g', ce_source: 'rogue' });
      expect(dead[1].headers['dlq_reason']).toMatch(/^value is not JSON/);
    });

    it('dead-letters at once an event the handler declares unprocessable', async () => {
      const bus = await connect();
      const calls: number[] = [];
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => {
          calls.push(seqOf(e));
          if (seqOf(e) === 0) throw new UnprocessableEvent('meter m is unknown');
        },
      });
      await bus.publish(TOPIC, [reading('m', 0), reading('m', 1)]);
      await eventually(() => calls.length === 2, 'both events');
      expect(calls).toEqual([0, 1]);
      let dead: ConsumedRecord[] = [];
      await eventually(async () => (dead = await harness.deadLetters(TOPIC)).length === 1, 'the dead letter');
      expect(dead[0].headers['dlq_reason']).toBe('unprocessable: meter m is unknown');
    });

    it('refuses to publish an event that breaks its contract, sending nothing of the batch', async () => {
      const bus = await connect();
      const got: number[] = [];
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void got.push(seqOf(e)),
      });
      const bad = { ...reading('m', 1), data: { ...reading('m', 1).data, endTime: 'later' } } as OutgoingEvent;
      await expect(bus.publish(TOPIC, [reading('m', 0), bad])).rejects.toThrow(ContractViolation);
      await expect(bus.publish(TOPIC, [{ ...reading('m', 0), type: 'meter.bogus' }])).rejects.toThrow(
        /meter.bogus is not allowed/,
      );
      await bus.publish(TOPIC, [reading('m', 2)]);
      await eventually(() => got.length === 1, 'the valid event');
      expect(got).toEqual([2]);
    });

    it('publishes atomically with an outbox checkpoint', async () => {
      const bus = await connect();
      const got: number[] = [];
      await bus.subscribe({
        group: 'g',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void got.push(seqOf(e)),
      });
      expect(await bus.outboxCheckpoint('svc')).toBeUndefined();
      await bus.publishAtomically('svc', [{ topic: TOPIC, events: [reading('a', 0), reading('b', 1)] }], {
        epoch: 'e1',
        batch: 41,
      });
      expect(await bus.outboxCheckpoint('svc')).toEqual({ epoch: 'e1', batch: 41 });
      const bad = { ...reading('a', 2), data: { meterId: 'a' } } as OutgoingEvent;
      await expect(
        bus.publishAtomically('svc', [{ topic: TOPIC, events: [reading('a', 3), bad] }], { epoch: 'e1', batch: 43 }),
      ).rejects.toThrow(ContractViolation);
      expect(await bus.outboxCheckpoint('svc')).toEqual({ epoch: 'e1', batch: 41 });
      // A new database history may number its batches from lower values again: the checkpoint follows.
      await bus.publishAtomically('svc', [{ topic: TOPIC, events: [reading('a', 4)] }], { epoch: 'e2', batch: 7 });
      await eventually(() => got.length === 3, 'the three published events');
      expect(got.sort()).toEqual([0, 1, 4]);
      expect(await bus.outboxCheckpoint('svc')).toEqual({ epoch: 'e2', batch: 7 });
      expect(await bus.outboxCheckpoint('other')).toBeUndefined();
    });

    it('gives every group all events and shares partitions within a group', async () => {
      const bus = await connect();
      const a1: string[] = [];
      const a2: string[] = [];
      const b: string[] = [];
      await bus.subscribe({
        group: 'a',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void a1.push(e.id),
      });
      await bus.subscribe({
        group: 'a',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void a2.push(e.id),
      });
      await bus.subscribe({
        group: 'b',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void b.push(e.id),
      });
      const events = Array.from({ length: 60 }, (_, i) => reading(`meter-${i % 20}`, i));
      await bus.publish(TOPIC, events);
      const all = events.map((e) => e.id).sort();
      await eventually(() => new Set([...a1, ...a2]).size === 60 && b.length >= 60, 'both groups to see every event');
      expect([...new Set([...a1, ...a2])].sort()).toEqual(all);
      expect([...new Set(b)].sort()).toEqual(all);
    });

    it('stop() lets the event in hand finish and commits it', async () => {
      const bus = await connect();
      const finished: number[] = [];
      let started = false;
      const sub = await bus.subscribe({
        group: 'drain',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => {
          started = true;
          await new Promise((r) => setTimeout(r, 300));
          finished.push(seqOf(e));
        },
      });
      await bus.publish(TOPIC, [reading('m', 0)]);
      await eventually(() => started, 'the slow handler to start');
      await sub.stop();
      expect(finished).toEqual([0]);

      const again: number[] = [];
      const next = await connect();
      await next.publish(TOPIC, [reading('m', 1)]);
      await next.subscribe({
        group: 'drain',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void again.push(seqOf(e)),
      });
      await eventually(() => again.length === 1, 'the next event');
      expect(again).toEqual([1]);
    });

    it('leaves a failing event uncommitted when the subscription stops, and its next owner carries on counting', async () => {
      const first = await connect();
      const attempts: string[] = [];
      const sub = await first.subscribe({
        group: 'failing',
        topics: [TOPIC],
        fromBeginning: true,
        retry: { maxAttempts: 1_000 },
        handler: async (e) => {
          attempts.push(`${seqOf(e)}#${e.attempt}`);
          if (seqOf(e) === 1) throw new Error('database unavailable');
        },
      });
      await first.publish(TOPIC, [reading('m', 0), reading('m', 1), reading('m', 2)]);
      await eventually(() => attempts.includes('1#3'), 'three failed attempts');
      await sub.stop();
      const before = attempts.length;
      const lastAttempt = Number(attempts[before - 1].split('#')[1]);

      const second = await connect();
      const again: string[] = [];
      await second.subscribe({
        group: 'failing',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void again.push(`${seqOf(e)}#${e.attempt}`),
      });
      await eventually(() => again.length === 2, 'the failed event and the one after it');
      // Not committed: the event comes back, before the one after it, and the count goes on.
      expect(again).toEqual([`1#${lastAttempt + 1}`, '2#1']);
      expect(attempts.filter((a) => a.startsWith('2#'))).toEqual([]);
    });

    it('cuts a backoff short when a rebalance moves the partition, and never runs one event on two members at once', async () => {
      const calls: string[] = [];
      let inFlight = 0;
      let overlapped = false;
      const handler = (member: string) => async (e: DeliveredEvent) => {
        overlapped ||= inFlight > 0;
        inFlight += 1;
        calls.push(`${member}#${e.attempt}`);
        await new Promise((r) => setTimeout(r, 50));
        inFlight -= 1;
        if (member === 'a') throw new Error('database unavailable');
      };
      const common = { group: 'backoff', topics: [TOPIC], fromBeginning: true };
      const first = await connect();
      await first.subscribe({
        ...common,
        retry: { maxAttempts: 1_000, initialDelayMs: 60_000, maxDelayMs: 60_000 },
        handler: handler('a'),
      });
      await first.publish(TOPIC, [reading('m', 1)]);
      await eventually(() => calls.length === 1, 'the first failure');
      const second = await connect();
      await second.subscribe({ ...common, handler: handler('b') });
      // Well before the 60 s backoff ends, the event is delivered again, counting on.
      await eventually(() => calls.length >= 2, 'the event after the rebalance', 30_000);
      expect(calls[1]).toMatch(/#2$/);
      expect(overlapped).toBe(false);
    });

    it('dead-letters an event after maxAttempts with reason handler-failed and the last error, and moves on', async () => {
      const bus = await connect();
      const attempts: string[] = [];
      await bus.subscribe({
        group: 'budget',
        topics: [TOPIC],
        fromBeginning: true,
        retry: { maxAttempts: 3 },
        handler: async (e) => {
          attempts.push(`${seqOf(e)}#${e.attempt}`);
          if (seqOf(e) === 1) throw new Error(`database unavailable (attempt ${e.attempt})`);
        },
      });
      await bus.publish(TOPIC, [reading('m', 0), reading('m', 1), reading('m', 2)]);
      await eventually(() => attempts.includes('2#1'), 'the event after the one given up on');
      expect(attempts).toEqual(['0#1', '1#1', '1#2', '1#3', '2#1']);
      let dead: ConsumedRecord[] = [];
      await eventually(async () => (dead = await harness.deadLetters(TOPIC)).length === 1, 'the dead letter');
      expect(dead[0].headers).toMatchObject({
        ce_id: 'm:1',
        dlq_reason: 'handler-failed: database unavailable (attempt 3)',
        dlq_attempts: '3',
        dlq_group: 'budget',
      });
      expect(dead[0].value).toBe(JSON.stringify(reading('m', 1).data));
    });

    it('hands a batch handler at most maxRecords events of one partition, in order, committing each batch', async () => {
      const bus = await connect();
      const batches: DeliveredEvent[][] = [];
      const sub = await bus.subscribe({
        group: 'batches',
        topics: [TOPIC],
        fromBeginning: true,
        batch: { maxRecords: 7, maxWaitMs: 100 },
        handleBatch: async (events) => void batches.push([...events]),
      });
      await bus.publish(
        TOPIC,
        Array.from({ length: 50 }, (_, i) => reading('m', i)),
      );
      await eventually(() => batches.flat().length === 50, 'all 50 events');
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(7);
        expect(new Set(batch.map((e) => e.partition)).size).toBe(1);
      }
      expect(batches.flat().map(seqOf)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await sub.stop();

      const later: number[] = [];
      const next = await connect();
      await next.subscribe({
        group: 'batches',
        topics: [TOPIC],
        fromBeginning: true,
        batch: { maxRecords: 7, maxWaitMs: 100 },
        handleBatch: async (events) => void later.push(...events.map(seqOf)),
      });
      await next.publish(TOPIC, [reading('m', 50)]);
      await eventually(() => later.length > 0, 'the next event');
      expect(later).toEqual([50]);
    });

    it('redelivers a failed batch whole, and dead-letters poison records without holding the batch', async () => {
      const bus = await connect();
      const calls: string[][] = [];
      let failuresLeft = 1;
      await bus.subscribe({
        group: 'batch-retry',
        topics: [TOPIC],
        fromBeginning: true,
        batch: { maxRecords: 100, maxWaitMs: 100 },
        handleBatch: async (events) => {
          calls.push(events.map((e) => `${seqOf(e)}#${e.attempt}`));
          if (failuresLeft-- > 0) throw new Error('database unavailable');
        },
      });
      await harness.injectRaw(TOPIC, {
        key: 'm',
        value: '{not json',
        headers: { ce_specversion: '1.0', ce_id: 'garbage', ce_type: 'meter.reading', ce_source: 'rogue' },
      });
      await bus.publish(TOPIC, [reading('m', 0), reading('m', 1)]);
      const handled = () => new Set(calls.slice(1).flatMap((c) => c.map((e) => e.split('#')[0])));
      await eventually(() => handled().has('0') && handled().has('1'), 'both events handled');
      // The failed batch comes back whole, as the second call; the poison record was never in it.
      expect(calls[1]).toEqual(calls[0].map((e) => e.replace('#1', '#2')));
      let dead: ConsumedRecord[] = [];
      await eventually(async () => (dead = await harness.deadLetters(TOPIC)).length === 1, 'the dead letter');
      expect(dead[0].headers['ce_id']).toBe('garbage');
    });

    it('pauses and resumes a subscription', async () => {
      const bus = await connect();
      const got: number[] = [];
      const sub = await bus.subscribe({
        group: 'paused',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void got.push(seqOf(e)),
      });
      await bus.publish(TOPIC, [reading('m', 0)]);
      await eventually(() => got.length === 1, 'the first event');
      sub.pause();
      await bus.publish(TOPIC, [reading('m', 1), reading('m', 2)]);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(got).toEqual([0]);
      sub.resume();
      await eventually(() => got.length === 3, 'the events published while paused');
      expect(got).toEqual([0, 1, 2]);
    });

    it('handles at most `concurrency` partitions at once, and never two events of one partition', async () => {
      const bus = await connect();
      const running = new Map<number, number>();
      let most = 0;
      let samePartitionOverlap = false;
      let done = 0;
      await bus.subscribe({
        group: 'limited',
        topics: [TOPIC],
        fromBeginning: true,
        concurrency: 2,
        handler: async (e) => {
          samePartitionOverlap ||= (running.get(e.partition) ?? 0) > 0;
          running.set(e.partition, (running.get(e.partition) ?? 0) + 1);
          most = Math.max(
            most,
            [...running.values()].reduce((a, b) => a + b, 0),
          );
          await new Promise((r) => setTimeout(r, 20));
          running.set(e.partition, running.get(e.partition)! - 1);
          done += 1;
        },
      });
      await bus.publish(
        TOPIC,
        Array.from({ length: 60 }, (_, i) => reading(`meter-${i % 12}`, i)),
      );
      await eventually(() => done === 60, 'all 60 events');
      expect(samePartitionOverlap).toBe(false);
      expect(most).toBeLessThanOrEqual(2);
    });

    it('tells a member which partitions it lost to a new member, and the rest when it stops', async () => {
      const bus = await connect();
      const revoked: TopicPartition[][] = [];
      const first = await bus.subscribe({
        group: 'revoke',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async () => undefined,
        onPartitionsRevoked: (partitions) => void revoked.push([...partitions]),
      });
      await bus.publish(TOPIC, [reading('m', 0)]);
      const secondGot = new Set<number>();
      const other = await connect();
      await other.subscribe({
        group: 'revoke',
        topics: [TOPIC],
        fromBeginning: true,
        handler: async (e) => void secondGot.add(e.partition),
      });
      await eventually(() => revoked.length === 1, 'the partitions handed to the new member');
      expect(revoked[0].length).toBeGreaterThan(0);
      await other.publish(
        TOPIC,
        Array.from({ length: 40 }, (_, i) => reading(`meter-${i}`, i)),
      );
      await eventually(() => secondGot.size === revoked[0].length, 'the new member to use them');
      expect([...secondGot].sort()).toEqual(revoked[0].map((p) => p.partition).sort());
      await first.stop();
      expect(revoked).toHaveLength(2);
      const all = revoked.flat();
      expect(all.every((p) => p.topic === TOPIC)).toBe(true);
      expect(all.map((p) => p.partition).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    });
  });
}
