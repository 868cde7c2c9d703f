import { catalog, ContractValidator } from '@flexgrid/contracts';
import { analyzeTranscript } from '@flexgrid/protocol-s2';
import { type AnalyzerUnderTest, corpus, eventually, openPair, replay, startAnalyzer } from './analyzer.test-util';
import { frameObserved, meterReading, sessionEnded } from './records';

/*
 * Kafka (DESIGN.md "Kafka contracts"): every frame with its findings on s2.frames, each session's end with the
 * S2-RS-MISSING findings and the final state, and applied PowerMeasurements on meter.readings as the span from the
 * meter's previous sample (also across sessions of the pair).
 */

const [notControlable] = corpus('valid-not-controlable');
const validator = new ContractValidator(catalog);

/** One record per CloudEvents id, in first-seen order: delivery is at least once. */
function distinct<R extends { headers: Record<string, string> }>(records: readonly R[]): R[] {
  return [...new Map(records.map((record) => [record.headers['ce_id'], record])).values()];
}

/** The NOT_CONTROLABLE session with its two measurements taken at `first` and `second` (ISO times). */
function withTimes(first: string, second: string): string {
  let n = 0;
  return (notControlable?.text ?? '').replace(/"measurement_timestamp":"[^"]+"/g, () =>
    n++ === 0 ? `"measurement_timestamp":"${first}"` : `"measurement_timestamp":"${second}"`,
  );
}

describe('records (src/records.ts)', () => {
  it('builds one record of each kind that its catalog schema accepts', () => {
    const { state, findings } = analyzeTranscript(corpus('rule-S2-RS-MISSING')[0]?.text ?? '');
    const session = { id: '1b4e28ba-2fa1-4d3b-8c5e-1f0c2e3d4a5b', rmId: 'rm-1', cemId: 'cem-1' };
    const frame = frameObserved(
      session,
      { seq: 3, t: 10, direction: 'rm->cem', receivedAt: Date.now(), payload: Buffer.from([0, 1]), binary: true },
      [{ seq: 3, rule: 'S2-JSON', level: 'schema', severity: 'error', detail: 'binary frame' }],
    );
    const ended = sessionEnded(session, Date.now(), findings, state);
    const reading = meterReading({
      meterId: 'cem-1:rm-1:ELECTRIC.POWER.L1',
      startTime: 1_000,
      endTime: 901_000,
      powerW: 120,
      energyWh: 30,
      sessionId: session.id,
      seq: 15,
    });
    expect(validator.check('s2.frames', frame.type, frame.key, frame.data)).toEqual({ ok: true });
    expect(validator.check('s2.frames', ended.type, ended.key, ended.data)).toEqual({ ok: true });
    expect(validator.check('meter.readings', reading.type, reading.key, reading.data)).toEqual({ ok: true });
  });
});

describe('Kafka publication', () => {
  let analyzer: AnalyzerUnderTest;
  beforeAll(async () => {
    analyzer = await startAnalyzer();
  });
  afterAll(() => analyzer.app.stop());

  it('publishes every frame with its findings, the end of each session, and meter readings spanning sessions', async () => {
    const first = await openPair(analyzer.wsUrl, 'pv-rm', 'home-cem');
    const firstText = withTimes('2030-04-01T08:00:00Z', '2030-04-01T08:15:00Z');
    await replay(first, firstText);
    await first.rm.close();
    const second = await openPair(analyzer.wsUrl, 'pv-rm', 'home-cem');
    const secondText = withTimes('2030-04-01T08:30:00Z', '2030-04-01T08:30:00Z');
    await replay(second, secondText);
    second.rm.socket.send('not json');
    await second.cem.until(second.cem.received.length + 1);
    await second.rm.close();

    const frames = firstText.trim().split('\n').length + secondText.trim().split('\n').length + 1;
    // At least once: a record published again after a lost acknowledgement has the same CloudEvents id.
    const records = await eventually(async () => {
      const unique = distinct(await analyzer.app.published('s2.frames').waitFor(0));
      return unique.length >= frames + 2 ? unique : undefined;
    }, 30_000);
    const observed = records.filter((r) => r.type === 's2.frame.observed');
    expect(observed).toHaveLength(frames);
    const ends = records.filter((r) => r.type === 's2.session.ended');
    expect(ends).toHaveLength(2);
    // Records of different sessions may sit in different partitions: the API says which session came first.
    const listed = (await (await analyzer.app.fetch('/api/sessions?rm=pv-rm')).json()) as {
      sessions: Array<{ id: string }>;
    };
    const [secondSession, firstSession] = listed.sessions.map((session) => session.id);
    expect(ends.map((r) => (r.data as { sessionId: string }).sessionId).sort()).toEqual(
      [firstSession, secondSession].sort(),
    );
    expect(ends.find((r) => r.key === firstSession)?.data).toMatchObject({ findings: [], state: { phase: 'ended' } });
    const secondFrames = observed.filter((r) => r.key === secondSession);
    const last = secondFrames[secondFrames.length - 1] as {
      headers: Record<string, string>;
      data: Record<string, unknown>;
    };
    expect(last.headers['ce_id']).toBe(`${secondSession}:${secondFrames.length}`);
    expect(last.data).toMatchObject({
      sessionId: secondSession,
      rmId: 'pv-rm',
      cemId: 'home-cem',
      direction: 'rm->cem',
      raw: 'not json',
      findings: [expect.objectContaining({ rule: 'S2-JSON', level: 'schema' })],
    });
    // Per session, in seq order (one key, one partition).
    const seqs = observed.filter((r) => r.key === firstSession).map((r) => (r.data as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));

    const readings = await eventually(async () => {
      const unique = distinct(await analyzer.app.published('meter.readings').waitFor(0));
      return unique.length >= 2 ? unique : undefined;
    }, 30_000);
    const meterId = 'home-cem:pv-rm:ELECTRIC.POWER.L1';
    const t = (iso: string) => Date.parse(iso);
    expect(readings.map((r) => [r.key, r.data])).toEqual([
      [
        meterId,
        expect.objectContaining({
          meterId,
          startTime: t('2030-04-01T08:00:00Z'),
          endTime: t('2030-04-01T08:15:00Z'),
          powerW: 120,
          energyWh: 30,
          source: 's2-analyzer',
          origin: { sessionId: firstSession, seq: 15 },
        }),
      ],
      [
        meterId,
        expect.objectContaining({
          startTime: t('2030-04-01T08:15:00Z'),
          endTime: t('2030-04-01T08:30:00Z'),
          powerW: 140,
          energyWh: 35,
          origin: { sessionId: secondSession, seq: 11 },
        }),
      ],
    ]);
  });

  it('publishes a session bigger than one Kafka request in several calls, leaving out only a record too large for Kafka', async () => {
    const pair = await openPair(analyzer.wsUrl, 'bulk-rm', 'bulk-cem');
    const filler = `{"filler":"${'x'.repeat(1000)}"}`;
    const count = 1500;
    for (let i = 0; i < count; i++) pair.rm.socket.send(i === 700 ? `{"huge":"${'y'.repeat(950 * 1024)}"}` : filler);
    await pair.cem.until(count);
    await pair.rm.close();
    const mine = await eventually(async () => {
      const all = distinct(await analyzer.app.published('s2.frames').waitFor(0));
      const bulk = all.filter((r) => (r.data as { rmId?: string }).rmId === 'bulk-rm');
      return bulk.some((r) => r.type === 's2.session.ended') ? bulk : undefined;
    }, 30_000);
    const seqs = mine.filter((r) => r.type === 's2.frame.observed').map((r) => (r.data as { seq: number }).seq);
    expect(seqs).toHaveLength(count - 1);
    expect(seqs).not.toContain(701);
    expect(mine.filter((r) => r.type === 's2.session.ended')).toHaveLength(1);
  });
});
