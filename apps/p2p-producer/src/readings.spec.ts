import type { ProducerOutput } from '@flexgrid/contracts';
import {
  answer,
  eventually,
  journaled,
  json,
  operator,
  startTestProducer,
  type TestProducer,
} from './test-producer.test-util';

// Community rules on 60 s intervals and an injected clock: interval n is [T0 + n·L, T0 + (n+1)·L).
const T0 = 1_800_000_000_000;
const L = 60_000;
const GATE = 5_000;
const SECRET = 'panel-secret-00003';
const span = (n: number) => ({ startTime: T0 + n * L, endTime: T0 + (n + 1) * L });
/** The first instant interval n is due (P2P-T7, strict). */
const dueAt = (n: number) => T0 + (n + 1) * L + GATE + 1;

describe('readings from meter.readings and POST /api/readings, aggregation runs (P2P-IN, P2P-AG)', () => {
  let producer: TestProducer;
  // The first start falls in interval 0: the epoch (P2P-T9) is T0.
  let clock = T0 + 1;
  const run = async (asOf: number) => {
    clock = asOf;
    const ran = await answer(producer.app.fetch('/api/operator/aggregation-runs', json('POST', { asOf }, operator)));
    expect(ran.status).toBe(200);
    return ran.body as { runNo: number; published: number; revised: number };
  };
  const outputs = async (count: number) =>
    (await producer.app.published('p2p.producer-output').waitFor(count))
      .filter((r) => r.type === 'producer.output')
      .map((r) => ({ id: r.headers.ce_id, data: r.data as ProducerOutput }));
  /** A channel record on a stream nobody holds: once journaled, everything published before it was consumed. */
  let markers = 0;
  const consumed = async () => {
    markers += 1;
    await producer.hello(`marker-${markers}`, 'marker-secret-000001');
    await journaled(producer.app, ['channel'], markers + channelFacts);
  };
  let channelFacts = 0;

  beforeAll(async () => {
    producer = await startTestProducer(
      { P2P_INTERVAL_MS: String(L), P2P_PRODUCER_GATE_CLOSURE_MS: String(GATE), P2P_MAX_BATCH: '8' },
      { now: () => clock },
    );
    for (const id of ['PANEL0001', 'PANEL0002'])
      expect(
        (await answer(producer.app.fetch(`/registration/${id}`, json('PUT', { itemType: 'solar' }, operator)))).status,
      ).toBe(200);
    const secured = await answer(
      producer.app.fetch('/registration/PANEL0003', json('PUT', { itemType: 'solar', sideKey: SECRET }, operator)),
    );
    expect(secured.status).toBe(200);
    expect(
      (await answer(producer.app.fetch('/registration/ROTOR0009', json('PUT', { itemType: 'wind' }, operator)))).status,
    ).toBe(200);
  });
  afterAll(() => producer.stop());

  it('P2P-IN2/IN6/IN8, AG3/AG4: sums its sources per interval once; re-delivery changes nothing; a correction publishes revision 1 at the first price', async () => {
    clock = T0 + L + 1000;
    await producer.readings([
      { meterId: 'PANEL0001', ...span(0), energyWh: 1000 },
      { meterId: 'PANEL0002', ...span(0), energyWh: 500 },
      { meterId: 'PANEL0003', ...span(0), energyWh: 250 },
      // Not a source of this producer, a consumer's usage, and a reading from the future: none counts.
      { meterId: 'HOUSE0001', ...span(0), energyWh: 9999 },
      { meterId: 'PANEL0001', ...span(0), energyWh: 7777, command: 'usage' },
      // (Its writer's name carries a NUL, which PostgreSQL's jsonb refuses: the rejection is kept all the same.)
      { meterId: 'ROTOR0009', startTime: T0 + 40 * L, endTime: T0 + 41 * L, energyWh: 1, source: 'rotor\u0000' },
    ]);
    await journaled(producer.app, ['reading'], 3);
    await consumed();
    const rejected = await producer.app.query<{ reason: string; stream_key: string }>(
      'select reason, stream_key from rejected_records',
    );
    expect(rejected).toEqual([{ reason: 'future', stream_key: 'ROTOR0009' }]);

    // Not yet due at the gate closure itself (strict).
    expect(await run(T0 + L + GATE)).toMatchObject({ runNo: 1, published: 0, revised: 0 });
    expect(await run(dueAt(0))).toMatchObject({ runNo: 2, published: 1, revised: 0 });
    const [first] = await outputs(1);
    expect(first.id).toBe(`SUNFARM01:${T0}:0`);
    expect(first.data).toMatchObject({
      command: 'output',
      producerId: 'SUNFARM01',
      ...span(0),
      bounds: 'half-open',
      outputWh: 1750,
      output: 1.75,
      producerPrice: 20,
      producerPricePerMWh: 20_000,
      paymentIdOrAddress: 'SUNFARM01',
      quality: 'measured',
      complete: false,
      missingSources: ['ROTOR0009'],
      partialSources: [],
      revision: 0,
      profile: 'community',
    });

    // The same readings again (a consumer restart re-delivers): no fact, no revision, no output.
    await producer.readings([
      { meterId: 'PANEL0001', ...span(0), energyWh: 1000 },
      { meterId: 'PANEL0002', ...span(0), energyWh: 500 },
    ]);
    await consumed();
    await journaled(producer.app, ['reading'], 3);
    expect(
      (await producer.app.query<{ n: number }>(`select count(*)::int as n from journal where kind = 'reading'`))[0].n,
    ).toBe(3);
    expect(await run(dueAt(0) + 1000)).toMatchObject({ published: 0, revised: 0 });

    // A correction (P2P-IN4) and the missing source's late reading: one revision 1 with the first price.
    await producer.readings([
      { meterId: 'PANEL0002', ...span(0), energyWh: 700, revision: 1 },
      { meterId: 'ROTOR0009', ...span(0), energyWh: 3000 },
    ]);
    await journaled(producer.app, ['reading'], 5);
    expect(await run(dueAt(0) + 2000)).toMatchObject({ published: 0, revised: 1 });
    const revised = (await outputs(2))[1];
    expect(revised.id).toBe(`SUNFARM01:${T0}:1`);
    expect(revised.data).toMatchObject({
      outputWh: 4950,
      quality: 'replaced',
      complete: true,
      missingSources: [],
      revision: 1,
      producerPricePerMWh: 20_000,
    });
    const listed = await answer(
      producer.app.fetch(`/api/operator/outputs?from=${T0}&to=${T0 + L}`, { headers: operator }),
    );
    expect((listed.body.items as ProducerOutput[]).map((o) => [o.revision, o.outputWh])).toEqual([
      [0, 1750],
      [1, 4950],
    ]);
  });

  it('§12.4 POST /api/readings: secret checks, both spellings (energyWh and kWh), partial success, corrections, 413 past P2P_MAX_BATCH', async () => {
    clock = T0 + 3 * L;
    const post = (body: unknown, sideKey?: string) =>
      answer(
        producer.app.fetch('/api/readings', json('POST', body, sideKey === undefined ? {} : { 'x-side-key': sideKey })),
      );
    const readings = (records: unknown[]) => ({ registrationId: 'PANEL0003', records });
    expect(await post(readings([]))).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'PANEL0003' sideKey failure." },
    });
    expect((await post(readings([]), 'wrong-secret-000001')).status).toBe(403);
    expect(await post({ registrationId: 'PANEL0001', records: [] }, SECRET)).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'PANEL0001' sideKey failure." },
    });
    expect(await post({ registrationId: 'NOBODY001', records: [] }, SECRET)).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'NOBODY001' does not exist." },
    });
    expect(await post({ registrationId: 'x', records: [] }, SECRET)).toEqual({
      status: 400,
      body: { success: false, message: "The parameter 'registrationId' has an invalid value." },
    });
    expect((await post(readings(new Array(9).fill({})), SECRET)).status).toBe(413);

    // HTTP input without bounds is read in the configured wire bounds (half-open in community, P2P-T4).
    const answered = await post(
      readings([
        { ...span(1), energyWh: 400 },
        { ...span(2), output: '1.5' },
        { startTime: T0 + 3 * L, endTime: T0 + 4 * L, output: 1.2345 },
        'not a record',
        { ...span(1), energyWh: 400, quality: 'guessed' },
        { ...span(1), energyWh: 400 },
        { ...span(1), energyWh: 450, revision: 1 },
        { startTime: T0 + L + 30_000, endTime: T0 + 2 * L + 30_000, energyWh: 5 },
      ]),
      SECRET,
    );
    expect(answered).toEqual({
      status: 200,
      body: {
        success: true,
        message: 'OK',
        accepted: 2,
        unchanged: 1,
        corrected: 1,
        ignored: 0,
        rejected: [
          { index: 2, message: 'The record was rejected: energy.' },
          { index: 3, message: 'The record must be a JSON object.' },
          { index: 4, message: "The field 'quality' has an invalid value." },
          { index: 7, message: 'The record was rejected: overlap.' },
        ],
      },
    });
    // Past P2P_MAX_RECORD_WH (10 GWh): no reading may make an interval's sum impossible.
    expect((await post(readings([{ ...span(5), energyWh: 10_000_000_001 }]), SECRET)).body).toMatchObject({
      accepted: 0,
      rejected: [{ index: 0, message: 'The record was rejected: energy.' }],
    });

    // goodbye closes the stream: later data is rejected as closed; hello opens it again.
    const closed = await post(readings([{ command: 'goodbye' }, { ...span(3), energyWh: 10 }]), SECRET);
    expect(closed.body).toMatchObject({
      accepted: 1,
      rejected: [{ index: 1, message: 'The record was rejected: closed.' }],
    });
    const reopened = await post(readings([{ command: 'hello' }, { ...span(3), energyWh: 10 }]), SECRET);
    expect(reopened.body).toMatchObject({ accepted: 2, rejected: [] });
    channelFacts += 2;

    expect(await run(dueAt(3))).toMatchObject({ published: 3 });
    const published = (await outputs(5))
      .slice(2)
      .map((o) => [o.data.startTime, o.data.outputWh, o.data.missingSources]);
    expect(published).toEqual([
      [T0 + L, 450, ['PANEL0001', 'PANEL0002', 'ROTOR0009']],
      [T0 + 2 * L, 1500, ['PANEL0001', 'PANEL0002', 'ROTOR0009']],
      [T0 + 3 * L, 10, ['PANEL0001', 'PANEL0002', 'ROTOR0009']],
    ]);
  });

  it('P2P-CH4, AG7: a goodbye on Kafka unbinds a source, a hello with another hash suspends a proof-bound one; payouts count once', async () => {
    await producer.devices.publish('meter.readings', [
      {
        type: 'channel.goodbye',
        key: 'PANEL0001',
        id: 'PANEL0001:goodbye:1',
        data: { command: 'goodbye', meterId: 'PANEL0001', sentAt: clock },
      },
    ]);
    channelFacts += 1;
    await consumed();
    const [row] = await producer.app.query<{ binding: string }>(
      `select binding from registrations where id = 'PANEL0001'`,
    );
    expect(row.binding).toBe('none');
    await producer.readings([{ meterId: 'PANEL0001', ...span(4), energyWh: 123 }]);
    await consumed();
    expect(
      (
        await producer.app.query<{ n: number }>(
          `select count(*)::int as n from journal where kind = 'reading' and payload->'record'->>'streamKey' = 'PANEL0001'`,
        )
      )[0].n,
    ).toBe(1);

    // PANEL0004 is bound with proof; a hello with another secret's hash suspends its data (P2P-CH4).
    await producer.hello('PANEL0004', 'panel-secret-00004');
    channelFacts += 1;
    const bound = await answer(
      producer.app.fetch('/registration/PANEL0004', json('PUT', { itemType: 'solar', sideKey: 'panel-secret-00004' })),
    );
    expect(bound.status).toBe(200);
    await producer.hello('PANEL0004', 'panel-secret-99999');
    channelFacts += 1;
    await producer.readings([{ meterId: 'PANEL0004', ...span(4), energyWh: 50 }]);
    await consumed();
    const panel4 = `select count(*)::int as n from journal where kind = 'reading' and payload->'record'->>'streamKey' = 'PANEL0004'`;
    expect((await producer.app.query<{ n: number }>(panel4))[0].n).toBe(0);
    await producer.hello('PANEL0004', 'panel-secret-00004');
    channelFacts += 1;
    await producer.readings([{ meterId: 'PANEL0004', ...span(4), energyWh: 50 }]);
    await consumed();
    expect((await producer.app.query<{ n: number }>(panel4))[0].n).toBe(1);

    const payout = {
      paymentId: 'GRID00001:payout:2:SUNFARM01',
      gridId: 'GRID00001',
      producerId: 'SUNFARM01',
      from: 'GRID00001',
      to: 'SUNFARM01',
      amount: 24,
      currency: 'EUR',
      reference: 'GRID00001:run:2',
      sentAt: clock,
      confirmedAt: clock,
    };
    const confirmed = (data: typeof payout) => ({
      type: 'payout.confirmed',
      key: data.paymentId,
      id: `${data.paymentId}:payout.confirmed`,
      data,
    });
    await producer.devices.publish('p2p.payments', [
      confirmed(payout),
      confirmed(payout),
      confirmed({ ...payout, paymentId: 'GRID00001:payout:2:WINDMILL1', producerId: 'WINDMILL1', to: 'WINDMILL1' }),
    ]);
    const balance = await eventually(
      async () => (await answer(producer.app.fetch('/api/operator/balance', { headers: operator }))).body.balance,
      (b) => (b as { receivedTotal: number }).receivedTotal > 0,
    );
    expect(balance).toEqual({ receivedTotal: 24, lastPayout: payout });
    await journaled(producer.app, ['payout'], 1);
    expect(
      (await producer.app.query<{ n: number }>(`select count(*)::int as n from journal where kind = 'payout'`))[0].n,
    ).toBe(1);
  });
});
