import type { MeterReading, ProducerOutput } from '@flexgrid/contracts';
import { verificationKey, verifyPaymentRequest } from '@flexgrid/protocol-p2p';
import { answer, journaled, json, OPERATOR_TOKEN, startTestGrid, type TestGrid } from './test-grid.test-util';

// SPEC §9.4, community profile: π_c 25 per kWh, fee 5 per kWh → π_p 20; 15-min intervals.
const L = 900_000;
const A = 1_800_000_000_000;
const B = A + L;
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

function reading(meterId: string, start: number, energyWh: number, revision?: number): MeterReading {
  return {
    meterId,
    startTime: start,
    endTime: start + L,
    energyWh,
    source: 'p2p-simulator',
    ...(revision !== undefined ? { revision } : {}),
  };
}

function output(producerId: string, start: number, outputWh: number, revision = 0): ProducerOutput {
  return {
    command: 'output',
    producerId,
    startTime: start,
    endTime: start + L,
    bounds: 'half-open',
    outputWh,
    output: outputWh / 1000,
    producerPrice: 20,
    producerPricePerMWh: 20_000,
    paymentIdOrAddress: producerId,
    quality: 'measured',
    complete: true,
    missingSources: [],
    partialSources: [],
    revision,
    publishedAt: start + L,
    profile: 'community',
  };
}

describe('settlement runs (§9, §10) in the community profile, over Kafka and HTTP', () => {
  let grid: TestGrid;
  // The grid's first start is at A: its epoch (P2P-T9) is A.
  let clock = A;
  const run = (asOf: number) =>
    answer(grid.app.fetch('/api/operator/settlement-runs', json('POST', { asOf }, operator)));
  const publishReadings = (records: MeterReading[]) =>
    grid.devices.publish(
      'meter.readings',
      records.map((data) => ({
        type: 'meter.reading',
        key: data.meterId,
        id: `${data.meterId}:${data.startTime}:${data.revision ?? 0}`,
        data,
      })),
    );
  const publishOutputs = (records: ProducerOutput[]) =>
    grid.devices.publish(
      'p2p.producer-output',
      records.map((data) => ({
        type: 'producer.output',
        key: data.producerId,
        id: `${data.producerId}:${data.startTime}:${data.revision}`,
        data,
      })),
    );

  beforeAll(async () => {
    grid = await startTestGrid(
      { P2P_FINAL_AFTER_MS: String(4 * L), P2P_REQUEST_MIN_AMOUNT: '1', P2P_PAYOUT_MIN_AMOUNT: '1' },
      { now: () => clock },
    );
    for (const [id, itemType] of [
      ['PVROOF001', 'producer'],
      ['PVROOF002', 'producer'],
      ['FLAT00001', 'consumer'],
      ['FLAT00002', 'consumer'],
      ['FLAT00003', 'consumer'],
    ])
      expect((await answer(grid.app.fetch(`/registration/${id}`, json('PUT', { itemType }, operator)))).status).toBe(
        200,
      );
  });
  afterAll(() => grid.stop());

  it('P2P-S3/S4/S6: the §9.4 example to the unit; gaps are missing members, never 0', async () => {
    clock = B + L;
    await publishOutputs([output('PVROOF001', A, 1234), output('PVROOF002', A, 567)]);
    await publishReadings([reading('FLAT00001', A, 900), reading('FLAT00002', A, 1400)]);
    await journaled(grid, ['reading', 'output'], 4);
    // A is due 10 min after its end (P2P-T7): not yet at B + L − … ; run at its first due instant.
    clock = B + 600_001;
    const first = await run(clock);
    expect(first).toMatchObject({
      status: 200,
      body: { success: true, message: 'OK', runNo: 1, settled: 1, resettled: 0, paymentRequests: 2, payouts: 0 },
    });
    const records = await grid.app.published('p2p.settlements').waitFor(1);
    expect(records[0]).toMatchObject({ key: 'GRID00001', type: 'settlement.interval' });
    expect(records[0].headers.ce_id).toBe(`GRID00001:${A}:v1`);
    const a = records[0].data as Record<string, unknown>;
    expect(a).toMatchObject({
      version: 1,
      totals: { producedWh: 1801, consumedWh: 2300, matchedWh: 1801, importWh: 499, exportWh: 0 },
      gridLine: 9,
      complete: false,
      gaps: ['FLAT00003'],
    });
    const lines = a.lines as { id: string; amount: number; matchedWh: number | null; energyWh: number | null }[];
    expect(lines.map((l) => [l.id, l.matchedWh, l.amount])).toEqual([
      ['FLAT00001', 705, 17],
      ['FLAT00002', 1096, 27],
      ['FLAT00003', null, 0],
      ['PVROOF001', 1234, 24],
      ['PVROOF002', 567, 11],
    ]);
    // The three consumers' return channels opened first (P2P-CH5).
    const requests = (await grid.app.published('p2p.payment-requests').waitFor(5)).filter(
      (r) => r.type === 'payment.request',
    );
    // Keys on different partitions arrive in any order.
    expect(requests.map((r) => [r.key, (r.data as { owed: number }).owed]).sort()).toEqual([
      ['FLAT00001', 17],
      ['FLAT00002', 27],
    ]);
    // P2P-CH5: each carries ce_p2psig over its exact value bytes, verifiable with the grid's key (the consumers'
    // sideKey in their registration answers).
    const [{ seed }] = await grid.app.query<{ seed: string }>(`select signing_seed as seed from grid_state`);
    for (const request of requests)
      expect(
        verifyPaymentRequest(Buffer.from(request.value as string), request.headers.ce_p2psig, verificationKey(seed)),
      ).toBe(true);
    const member = await answer(grid.app.fetch('/api/operator/members/FLAT00001', { headers: operator }));
    expect(member.body.member).toMatchObject({
      balances: { role: 'consumer', usageWh: 900, billedWh: 705, charged: 17, requested: 17, outstanding: 17 },
    });
  });

  it('P2P-IN2/S6: re-delivered input writes nothing; a repeated run finds nothing', async () => {
    const before = await grid.app.query<{ n: number }>(`select count(*)::int as n from journal`);
    await publishReadings([reading('FLAT00001', A, 900)]);
    await publishOutputs([output('PVROOF001', A, 1234)]);
    // A marker record after the duplicates: once it is in, the duplicates were handled.
    await publishReadings([reading('FLAT00001', B, 500)]);
    await journaled(grid, ['reading', 'output'], 5);
    const after = await grid.app.query<{ n: number }>(`select count(*)::int as n from journal`);
    expect(after[0].n).toBe(before[0].n + 1);
    const again = await run(clock);
    expect(again.body).toMatchObject({ settled: 0, resettled: 0, adjusted: 0, paymentRequests: 0 });
    expect(await grid.app.query(`select count(*)::int as n from settlement_records`)).toEqual([{ n: 1 }]);
  });

  it('P2P-S7/S8/S9: a late reading before final → version 2 with deltas; after final → an adjustment', async () => {
    await publishOutputs([output('PVROOF001', B, 800), output('PVROOF002', B, 0)]);
    await publishReadings([reading('FLAT00002', B, 250), reading('FLAT00003', B, 300), reading('FLAT00003', A, 700)]);
    await journaled(grid, ['reading', 'output'], 10);
    clock = B + L + 600_001;
    const second = await run(clock);
    expect(second.body).toMatchObject({ runNo: 3, settled: 1, resettled: 1 });
    const [v2] = await grid.app.query<{ value: { version: number; gaps: string[]; totals: unknown } }>(
      `select value from settlement_records where ce_id = $1`,
      [`GRID00001:${A}:v2`],
    );
    expect(v2.value).toMatchObject({ version: 2, gaps: [], totals: { consumedWh: 3000, matchedWh: 1801 } });
    // §9.4 interval B: charges 10 / 5 / 5, credits 16 / 0, grid line 4.
    const [b] = await grid.app.query<{ value: { gridLine: number } }>(
      `select value from settlement_records where ce_id = $1`,
      [`GRID00001:${B}:v1`],
    );
    expect(b.value.gridLine).toBe(4);
    // The ledger sums to the latest versions: consumers billed = producers credited + grid lines, to the unit.
    const entries = await grid.app.query<{ role: string; amount: number }>(
      `select value->>'role' as role, (value->>'amount')::int as amount from ledger_entries`,
    );
    const sum = (role: string) => entries.filter((e) => e.role === role).reduce((s, e) => s + e.amount, 0);
    const gridLines = await grid.app.query<{ n: number }>(
      `select coalesce(sum((value->>'gridLine')::int), 0)::int as n from settlement_records where type <> 'settlement.finalised'`,
    );
    expect(sum('consumer')).toBe(sum('producer') + gridLines[0].n);

    // An interval becomes final 4 intervals after its end; a correction after that is an adjustment.
    clock = B + 5 * L + 1;
    const finalising = await run(clock);
    expect(finalising.body).toMatchObject({ finalised: 2 });
    expect((await grid.app.published('p2p.payments').waitFor(1)).map((r) => r.type)).toEqual(['payout.sent']);
    await publishReadings([reading('FLAT00001', A, 1000, 1)]);
    await journaled(grid, ['reading', 'output'], 11);
    clock += 1;
    const adjusting = await run(clock);
    expect(adjusting.body).toMatchObject({ adjusted: 1 });
    expect(await grid.app.query(`select ce_id from settlement_records where type = 'settlement.adjustment'`)).toEqual([
      { ce_id: `GRID00001:${A}:a1` },
    ]);
    const intervals = await answer(
      grid.app.fetch(`/api/operator/intervals?from=${A}&to=${A + 2 * L}`, { headers: operator }),
    );
    expect(
      (intervals.body.items as { status: string; intervalStart: number }[]).map((i) => [i.intervalStart, i.status]),
    ).toEqual([
      [B, 'final'],
      [A, 'final'],
    ]);
  });

  it('P2P-OP-CSV §14.3: intervals.csv and lines.csv with the exact columns, CRLF, one line per ledger entry', async () => {
    const intervals = await grid.app.fetch(`/api/operator/export/intervals.csv?from=${A}&to=${B + L}`, {
      headers: operator,
    });
    expect(intervals.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await intervals.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, a, b] = text.split('\r\n');
    expect(header).toBe(
      'interval_start,interval_end,status,version,rule,rule_version,produced_wh,consumed_wh,matched_wh,import_wh,export_wh,consumer_price_per_mwh,producer_price_per_mwh,consumer_amount,producer_amount,grid_amount,currency,complete,gaps',
    );
    expect(a.split(',').slice(0, 3)).toEqual([new Date(A).toISOString(), new Date(B).toISOString(), 'final']);
    expect(b.split(',')[2]).toBe('final');
    const [, , , , , , produced, , matched] = a.split(',');
    expect([produced, matched]).toEqual(['1801', '1801']);
    const lines = await (
      await grid.app.fetch(`/api/operator/export/lines.csv?from=${A}&to=${B + L}&memberId=FLAT00001`, {
        headers: operator,
      })
    ).text();
    const rows = lines.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'interval_start,interval_end,member_id,role,status,quality,revision,energy_wh,billed_wh,units,amount,currency,entry_kind,entry_id,version_or_adjustment,posted_at',
    );
    const entries = await grid.app.query<{ n: number }>(
      `select count(*)::int as n from ledger_entries where member_id = 'FLAT00001' and interval_start < $1`,
      [B + L],
    );
    expect(rows.length - 1).toBe(entries[0].n);
    expect(rows[1].split(',').slice(2, 5)).toEqual(['FLAT00001', 'consumer', 'present']);
    expect(rows[1].split(',')[12]).toBe('settlement');
  });

  it('P2P-OP-ST §14.2: preview = final, gapless numbers, one final per member and period, only final periods', async () => {
    const statement = (body: object) =>
      answer(grid.app.fetch('/api/operator/statements', json('POST', body, operator)));
    const period = { memberId: 'FLAT00001', periodStart: A, periodEnd: B + L };
    const preview = await statement({ ...period, final: false });
    expect(preview.body.statement).toMatchObject({
      number: null,
      status: 'preview',
      memberId: 'FLAT00001',
      currency: 'EUR',
    });
    const content = preview.body.statement as { entries: { amount: number }[]; amount: number };
    expect(content.amount).toBe(content.entries.reduce((sum, e) => sum + e.amount, 0));
    const final = await statement({ ...period, final: true });
    expect(final.body.statement).toEqual({
      ...(preview.body.statement as object),
      number: 'ST-000001',
      status: 'final',
    });
    expect(await statement({ ...period, final: true })).toEqual({
      status: 409,
      body: { success: false, message: 'Statement already final: ST-000001.' },
    });
    expect(await statement({ memberId: 'FLAT00002', periodStart: A, periodEnd: B + 2 * L, final: true })).toEqual({
      status: 409,
      body: { success: false, message: 'Period contains intervals that are not final.' },
    });
    expect(
      (await statement({ memberId: 'PVROOF001', periodStart: A, periodEnd: B + L, final: true })).body.statement,
    ).toMatchObject({
      number: 'ST-000002',
    });
    expect((await statement({ ...period, periodStart: A + 1 })).body).toEqual({
      success: false,
      message: "The parameter 'periodStart' has an invalid value.",
    });
    const stored = await answer(grid.app.fetch('/api/operator/statements/ST-000001', { headers: operator }));
    expect(stored.body.statement).toEqual(final.body.statement);
  });

  it('P2P-L3/L4: wallet payments allocated by reference, an unknown reference unallocated until the operator allocates it, payouts confirmed', async () => {
    const payment = (
      paymentId: string,
      reference: string,
      amount: number,
      type: 'payment.sent' | 'payment.confirmed',
    ) => ({
      type,
      key: paymentId,
      id: `${paymentId}:${type}`,
      data: {
        paymentId,
        from: 'FLAT00001',
        to: 'GRID00001',
        amount,
        currency: 'EUR',
        reference,
        sentAt: clock,
        ...(type === 'payment.confirmed' ? { confirmedAt: clock } : {}),
      },
    });
    const owedBefore = (await answer(grid.app.fetch('/api/operator/members/FLAT00001', { headers: operator }))).body
      .member as { balances: { requested: number; confirmed: number } };
    await grid.devices.publish('p2p.payments', [
      payment('FLAT00001:payment:1', 'FLAT00001', 10, 'payment.sent'),
      payment('FLAT00001:payment:1', 'FLAT00001', 10, 'payment.confirmed'),
      payment('stranger:1', 'nobody-knows', 7, 'payment.confirmed'),
      // Same paymentId, another amount: a conflict, kept as rejected.
      payment('FLAT00001:payment:1', 'FLAT00001', 11, 'payment.sent'),
    ]);
    const [payout] = (await grid.app.published('p2p.payments').waitFor(1)).filter((r) => r.type === 'payout.sent');
    const sent = payout.data as Record<string, unknown>;
    await grid.devices.publish('p2p.payments', [
      {
        type: 'payout.confirmed',
        key: sent.paymentId as string,
        id: `${sent.paymentId as string}:payout.confirmed`,
        data: { ...sent, confirmedAt: clock },
      },
    ]);
    await journaled(grid, ['payment', 'payout-confirmed'], 4);
    const member = (await answer(grid.app.fetch('/api/operator/members/FLAT00001', { headers: operator }))).body
      .member as { balances: { confirmed: number; outstanding: number; requested: number } };
    expect(member.balances.confirmed).toBe(owedBefore.balances.confirmed + 10);
    expect(member.balances.outstanding).toBe(member.balances.requested - member.balances.confirmed);
    const unallocated = await answer(
      grid.app.fetch('/api/operator/payments?allocation=unallocated', { headers: operator }),
    );
    expect((unallocated.body.items as { paymentId: string }[]).map((p) => p.paymentId)).toEqual(['stranger:1']);
    expect(
      await answer(
        grid.app.fetch(
          '/api/operator/payments/stranger:1/allocate',
          json('POST', { consumerId: 'FLAT00002' }, operator),
        ),
      ),
    ).toEqual({ status: 200, body: { success: true, message: 'OK' } });
    expect(
      (
        await answer(
          grid.app.fetch(
            '/api/operator/payments/stranger:1/allocate',
            json('POST', { consumerId: 'FLAT00002' }, operator),
          ),
        )
      ).status,
    ).toBe(409);
    const rejected = await answer(grid.app.fetch('/api/operator/rejected-records', { headers: operator }));
    expect((rejected.body.items as { reason: string }[]).map((r) => r.reason)).toEqual(['conflict']);
    const producer = (
      await answer(grid.app.fetch(`/api/operator/members/${sent.producerId as string}`, { headers: operator }))
    ).body.member as { balances: { payoutConfirmed: number } };
    expect(producer.balances.payoutConfirmed).toBe(sent.amount);
  });

  it('§14.1: runs need the operator token; asOf must not precede the previous run nor pass the clock', async () => {
    const denied = await grid.app.fetch('/api/operator/settlement-runs', json('POST', {}));
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toBe('Bearer');
    expect(await denied.json()).toEqual({ success: false, message: 'Operator token required.' });
    expect(await run(A)).toEqual({
      status: 409,
      body: { success: false, message: 'asOf must not precede the previous run.' },
    });
    // Lists refuse what they cannot answer rather than answering nothing.
    const get = (path: string) => answer(grid.app.fetch(path, { headers: operator }));
    const invalid = (name: string) => ({
      status: 400,
      body: { success: false, message: `The parameter '${name}' has an invalid value.` },
    });
    expect(await get('/api/operator/payment-requests?status=bogus')).toEqual(invalid('status'));
    expect(await get('/api/operator/payments?allocation=bogus')).toEqual(invalid('allocation'));
    expect(await get(`/api/operator/settlements/${A + 1}`)).toEqual(invalid('intervalStart'));
    expect(await get('/api/operator/intervals?to=9999999999999999')).toEqual(invalid('to'));
    expect(await get(`/api/operator/intervals?from=${B}&to=${A}`)).toEqual(invalid('from'));
    // Nothing before the epoch (A) is listed: it is never settled.
    const listed = await get(`/api/operator/intervals?from=${A - 10 * L}&to=${B}&pageSize=100`);
    expect((listed.body.items as { intervalStart: number }[]).map((i) => i.intervalStart)).toEqual([A]);
    // `asOf ≤ now` (§14.1): a run ahead of the clock would settle intervals before their gate closure.
    expect(await run(clock + 1)).toEqual({
      status: 409,
      body: { success: false, message: 'asOf must not be in the future.' },
    });
  });
});

describe('§14.1 POST /api/operator/intervals/:intervalStart/finalise', () => {
  let grid: TestGrid;
  let clock = A;
  const finalise = (n: number | string) =>
    answer(grid.app.fetch(`/api/operator/intervals/${n}/finalise`, json('POST', undefined, operator)));
  beforeAll(async () => {
    grid = await startTestGrid({ P2P_FINAL_AFTER_MS: String(4 * L) }, { now: () => clock });
    for (const [id, itemType] of [
      ['PVROOF001', 'producer'],
      ['FLAT00001', 'consumer'],
    ])
      expect((await answer(grid.app.fetch(`/registration/${id}`, json('PUT', { itemType }, operator)))).status).toBe(
        200,
      );
  });
  afterAll(() => grid.stop());

  it('finalises a settled interval before its finality lag, once; an unsettled one is a 409', async () => {
    expect(await finalise('abc')).toEqual({
      status: 400,
      body: { success: false, message: "The parameter 'intervalStart' has an invalid value." },
    });
    expect(await finalise(A)).toEqual({
      status: 409,
      body: { success: false, message: `Interval ${A} is not settled.` },
    });
    clock = B + L;
    await grid.devices.publish('p2p.producer-output', [
      { type: 'producer.output', key: 'PVROOF001', id: `PVROOF001:${A}:0`, data: output('PVROOF001', A, 1000) },
    ]);
    await grid.devices.publish('meter.readings', [
      { type: 'meter.reading', key: 'FLAT00001', id: `FLAT00001:${A}:0`, data: reading('FLAT00001', A, 800) },
    ]);
    await journaled(grid, ['reading', 'output'], 2);
    clock = B + 600_001;
    // Two operators ask at once: the runs take turns, and the interval is settled by the first only.
    const both = await Promise.all(
      [1, 2].map(() => answer(grid.app.fetch('/api/operator/settlement-runs', json('POST', {}, operator)))),
    );
    expect(both.map((r) => [r.status, r.body.runNo, r.body.settled, r.body.finalised]).sort()).toEqual([
      [200, 1, 1, 0],
      [200, 2, 0, 0],
    ]);
    // Final after 4 intervals normally; the operator makes it final now.
    const early = await finalise(A);
    expect(early).toMatchObject({ status: 200, body: { success: true, runNo: 3, finalised: 1 } });
    const records = await grid.app.published('p2p.settlements').waitFor(2);
    expect(records.map((r) => r.headers.ce_id)).toEqual([`GRID00001:${A}:v1`, `GRID00001:${A}:final`]);
    expect(await finalise(A)).toEqual({
      status: 409,
      body: { success: false, message: `Interval ${A} is already final.` },
    });
    const intervals = await answer(grid.app.fetch(`/api/operator/intervals?from=${A}&to=${B}`, { headers: operator }));
    expect((intervals.body.items as { status: string }[]).map((i) => i.status)).toEqual(['final']);
  });
});
