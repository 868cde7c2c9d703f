import { resolveConfig } from '../config/config';
import { Producer } from '../aggregation/producer';
import { sideKeyHash } from '../channels/channel';
import { type StreamRecord } from '../ingestion/ingestion';
import { pageOf, parsePaging } from '../paging/paging';
import { Grid } from './grid';
import { type LedgerEntryJson } from './ledger';

// What the producer and grid services need of the lib beyond the rules themselves (issue 23).

const L = 10_000;
const T = 1_800_000_000_000;
const community = resolveConfig('community', {
  intervalMs: L,
  producerGateClosureMs: 2_000,
  gridGateClosureMs: 4_000,
  finalAfterMs: 30_000,
  minTimestampMs: 0,
});
const reading = (meterId: string, n: number, energyWh: number): StreamRecord => ({
  streamKey: meterId,
  span: { start: T + n * L, end: T + (n + 1) * L },
  energyWh,
});
const output = (producerId: string, n: number, energyWh: number): StreamRecord => ({
  ...reading(producerId, n, energyWh),
  revision: 0,
  output: {
    complete: true,
    missingSources: [],
    partialSources: [],
    producerPricePerMWh: 20_000,
    paymentIdOrAddress: producerId,
  },
});
const dueAt = (n: number) => T + (n + 1) * L + 4_001;
const SECRET = 'flat-one-secret-0001';
const OTHER = 'flat-one-secret-0002';

function grid(config = community) {
  const g = new Grid({ config, gridId: 'GRID00001', epoch: T });
  g.register('PVROOF001', 'producer', T - 1);
  g.register('FLAT00001', 'consumer', T - 1, 'meter-1', { binding: 'proof', sideKeyHash: sideKeyHash(SECRET) });
  return g;
}

describe('hello/goodbye in Grid and Producer (P2P-CH3, CH4, IN7)', () => {
  it('P2P-CH3: a proof-bound stream counts only after a hello with its hash; a hello with another hash suspends it', () => {
    const g = grid();
    expect(g.ingestReading(reading('meter-1', 0, 100), T + L)).toEqual({ outcome: 'unbound' });
    expect(g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T })).toEqual({
      outcome: 'bound',
      registrationId: 'FLAT00001',
    });
    expect(g.ingestReading(reading('meter-1', 0, 100), T + L).outcome).toBe('accepted');
    expect(
      g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(OTHER), sentAt: T + 1 }),
    ).toEqual({ outcome: 'suspended', registrationId: 'FLAT00001' });
    expect(g.ingestReading(reading('meter-1', 1, 100), T + 2 * L)).toEqual({ outcome: 'suspended' });
    // The registration is updated with the matching secret: bound again.
    g.register('FLAT00001', 'consumer', T + 2 * L, 'meter-1', { binding: 'proof', sideKeyHash: sideKeyHash(OTHER) });
    expect(g.ingestReading(reading('meter-1', 1, 100), T + 2 * L).outcome).toBe('accepted');
  });

  it('P2P-CH4/IN7: a goodbye unbinds; data after it is dropped until a new registration call', () => {
    const g = grid();
    g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T });
    expect(g.channel({ command: 'goodbye', streamKey: 'meter-1', sentAt: T + 1 })).toEqual({
      outcome: 'unbound',
      registrationId: 'FLAT00001',
    });
    expect(g.ingestReading(reading('meter-1', 0, 100), T + L)).toEqual({ outcome: 'unbound' });
    // A hello alone does not bind again (P2P-CH4) …
    g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T + 2 });
    expect(g.ingestReading(reading('meter-1', 0, 100), T + L)).toEqual({ outcome: 'unbound' });
    // … a registration call does, with the hello already seen.
    g.register('FLAT00001', 'consumer', T + 3, 'meter-1', { binding: 'proof', sideKeyHash: sideKeyHash(SECRET) });
    expect(g.registry.latestHello('meter-1')).toBe(sideKeyHash(SECRET));
    expect(g.ingestReading(reading('meter-1', 0, 100), T + L).outcome).toBe('accepted');
  });

  it('P2P-CH3: hellos of unregistered streams are recorded; operator-bound streams need none', () => {
    const g = grid();
    expect(g.channel({ command: 'hello', streamKey: 'nobody', sideKeyHash: sideKeyHash(SECRET), sentAt: T })).toEqual({
      outcome: 'recorded',
    });
    expect(g.registry.latestHello('nobody')).toBe(sideKeyHash(SECRET));
    expect(g.ingestOutput(output('PVROOF001', 0, 5), T + L).outcome).toBe('accepted');
  });

  it('P2P-AG8/CH4: the producer drops readings of a source after its goodbye', () => {
    const producer = new Producer({ config: community, producerId: 'SUNFARM01', epoch: T });
    producer.sources.register('PANEL0001', 'source', T - 1, 'panel-1', {
      binding: 'proof',
      sideKeyHash: sideKeyHash(SECRET),
    });
    expect(producer.ingest(reading('panel-1', 0, 10), T + L)).toEqual({ outcome: 'unbound' });
    producer.channel({ command: 'hello', streamKey: 'panel-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T });
    expect(producer.ingest(reading('panel-1', 0, 10), T + L).outcome).toBe('accepted');
    producer.channel({ command: 'goodbye', streamKey: 'panel-1', sentAt: T + L });
    expect(producer.ingest(reading('panel-1', 1, 10), T + 2 * L)).toEqual({ outcome: 'unbound' });
  });
});

describe('one read of balances, opening state, payout step, JSON entries (§10.1, P2P-L5)', () => {
  it('§10.1: balancesOf gives every consumer and producer balance in one read', () => {
    const g = grid();
    g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T });
    g.ingestOutput(output('PVROOF001', 0, 20_000), T + L);
    g.ingestReading(reading('meter-1', 0, 10_000), T + L);
    g.run(dueAt(0));
    expect(g.balancesOf('FLAT00001', dueAt(0))).toEqual({
      role: 'consumer',
      usageWh: 10_000,
      billedWh: 10_000,
      charged: 250,
      requested: 250,
      unrequested: 0,
      paid: 0,
      confirmed: 0,
      outstanding: 250,
    });
    expect(g.balancesOf('PVROOF001', dueAt(0))).toEqual({
      role: 'producer',
      outputWh: 20_000,
      soldWh: 10_000,
      credited: 200,
      cumOutputWh: 20_000,
      share: { num: 20_000, den: 20_000 },
      payoutSent: 0,
      payoutConfirmed: 0,
      payoutPending: 0,
    });
    expect(g.balancesOf('UNKNOWN01', dueAt(0))).toBeUndefined();
  });

  it('opening state: a grid opened with the saved accounts, requests and payments continues where the first stopped', () => {
    const first = grid();
    first.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T });
    first.ingestOutput(output('PVROOF001', 0, 20_000), T + L);
    first.ingestReading(reading('meter-1', 0, 10_000), T + L);
    const run = first.run(dueAt(0));
    const [request] = run.paymentRequests;
    const state = first.interval(T);
    if (!state) throw new Error('interval 0 was settled');

    const reopened = new Grid({
      config: community,
      gridId: 'GRID00001',
      epoch: T,
      opening: {
        accounts: first.ledger.all().map((a) => ({ ...a })),
        openRequests: first.openRequests(),
        runNo: run.runNo,
        lastAsOf: run.asOf,
      },
    });
    reopened.register('PVROOF001', 'producer', T - 1);
    reopened.register('FLAT00001', 'consumer', T - 1, 'meter-1');
    reopened.restoreInterval(state);
    reopened.ingestOutput(output('PVROOF001', 0, 20_000), T + L);
    reopened.ingestReading(reading('meter-1', 0, 10_000), T + L);
    // Nothing changed: the next run writes nothing and numbers on.
    expect(reopened.run(dueAt(0) + 1)).toMatchObject({ runNo: 2, records: [], entries: [], paymentRequests: [] });
    // The open request is paid by a payment naming it.
    const outcome = reopened.recordPayment({
      type: 'payment.confirmed',
      paymentId: 'pay-1',
      from: 'FLAT00001',
      to: 'GRID00001',
      amount: 250,
      currency: 'EUR',
      reference: request.requestId,
      sentAt: dueAt(0) + 2,
      confirmedAt: dueAt(0) + 2,
    });
    expect(outcome.outcome).toBe('recorded');
    expect(reopened.openRequests()).toEqual([]);
    expect(reopened.balancesOf('FLAT00001', dueAt(0) + 2)).toMatchObject({ confirmed: 250, outstanding: 0 });
    expect(() => reopened.run(dueAt(0))).toThrow('asOf must not precede the previous run.');
  });

  it('P2P-L5: a run says whether its payout step ran or was throttled', () => {
    const poc = resolveConfig('poc', { minTimestampMs: 0 });
    const g = new Grid({ config: poc, gridId: 'GRID00001', epoch: T });
    expect(g.run(T).payoutStep).toBe('ran');
    expect(g.run(T + poc.payoutThrottleMs).payoutStep).toBe('throttled');
    expect(g.run(T + poc.payoutThrottleMs + 1).payoutStep).toBe('ran');
    expect(grid().run(T).payoutStep).toBe('ran');
  });

  it('P2P-L1: ledger entries serialise to JSON, the exact amount as decimal text', () => {
    const g = grid();
    g.channel({ command: 'hello', streamKey: 'meter-1', sideKeyHash: sideKeyHash(SECRET), sentAt: T });
    g.ingestOutput(output('PVROOF001', 0, 20_000), T + L);
    g.ingestReading(reading('meter-1', 0, 10_001), T + L);
    const [entry] = g.run(dueAt(0)).entries;
    const json = JSON.parse(JSON.stringify(entry)) as LedgerEntryJson;
    expect(json).toMatchObject({ entryId: 'FLAT00001:1', exactMicro: '250025000', amount: 250 });
    expect(Object.keys(json)).toEqual(Object.keys(entry));
  });
});

describe('§13.3 paging order', () => {
  it('P2P-STO-PAGE: pageOf orders the ids by UTF-8 bytes itself', () => {
    const parsed = parsePaging({ pageSize: '5' });
    if (!parsed.ok) throw new Error('valid paging');
    const ids = ['b9', 'b10', 'a', '\u{1F600}', '\uFF01', 'B'];
    const page = pageOf(
      ids.map((id) => ({ id, item: id.length })),
      parsed.paging,
    );
    expect(page.ids).toEqual(['B', 'a', 'b10', 'b9', '\uFF01']);
    expect(page.totalItems).toBe(6);
  });
});
