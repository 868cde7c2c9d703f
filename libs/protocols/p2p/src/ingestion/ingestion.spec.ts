import { changedSpan, decideIngestion, StreamBook, type StreamRecord } from './ingestion';
import { type SpanLimits } from '../time/interval';
import { commandFitsRole, readMeterReading } from './meter-reading';
import { readProducerOutput } from '../aggregation/producer-output';

const limits: SpanLimits = {
  minTimestampMs: 946_684_800_000,
  maxFutureMs: 300_000,
  maxLateMs: 400 * 86_400_000,
  maxSpanMs: 86_400_000,
};
const T = 1_800_000_000_000;
const NOW = T + 3_600_000;
const L = 900_000;
const rec = (over: Partial<StreamRecord> = {}): StreamRecord => ({
  streamKey: 'meter-1',
  span: { start: T, end: T + L },
  energyWh: 100,
  ...over,
});

describe('P2P-IN ingestion', () => {
  it('P2P-IN1: all revisions are kept under the natural key; only the effective one is used', () => {
    const book = new StreamBook(limits);
    book.ingest(rec(), NOW);
    book.ingest(rec({ energyWh: 120 }), NOW);
    const history = book.history('meter-1', T);
    expect(history?.revisions.map((r) => [r.revision, r.energyWh])).toEqual([
      [0, 100],
      [1, 120],
    ]);
    expect(history?.effective.energyWh).toBe(120);
    expect(book.effectiveWithin('meter-1', { start: T, end: T + L }).map((r) => r.energyWh)).toEqual([120]);
    expect(book.effectiveTotalWh('meter-1')).toBe(120);
  });

  it('P2P-IN2: identical re-delivery is a no-op, no revision', () => {
    const book = new StreamBook(limits);
    expect(book.ingest(rec(), NOW).outcome).toBe('accepted');
    expect(book.ingest(rec(), NOW)).toEqual({ outcome: 'unchanged', why: 'identical' });
    expect(book.ingest(rec({ quality: 'measured' }), NOW)).toEqual({ outcome: 'unchanged', why: 'identical' });
    expect(book.history('meter-1', T)?.revisions).toHaveLength(1);
  });

  it('P2P-IN2: for producer output a completeness-only change is a correction that keeps the sender quality', () => {
    const book = new StreamBook(limits);
    const output = {
      complete: false,
      missingSources: ['PANEL0001'],
      partialSources: [],
      producerPricePerMWh: 4000,
      paymentIdOrAddress: 'SUNFARM01',
    };
    book.ingest(rec({ streamKey: 'SUNFARM01', revision: 0, output }), NOW);
    const outcome = book.ingest(
      rec({ streamKey: 'SUNFARM01', revision: 1, output: { ...output, complete: true, missingSources: [] } }),
      NOW,
    );
    expect(outcome.outcome).toBe('corrected');
    expect(outcome.outcome === 'corrected' && outcome.revision.quality).toBe('measured');
    expect(
      book.ingest(
        rec({ streamKey: 'SUNFARM01', revision: 1, output: { ...output, complete: true, missingSources: [] } }),
        NOW,
      ).outcome,
    ).toBe('unchanged');
  });

  it("P2P-IN3: a record at or below the stream's applied offset is a no-op; a sender revision not above the effective one is stale", () => {
    const book = new StreamBook(limits);
    book.ingest(rec({ offset: 10, revision: 2 }), NOW);
    expect(book.ingest(rec({ offset: 10, energyWh: 5 }), NOW)).toEqual({ outcome: 'unchanged', why: 'offset' });
    expect(book.ingest(rec({ offset: 9, energyWh: 5 }), NOW)).toEqual({ outcome: 'unchanged', why: 'offset' });
    expect(book.ingest(rec({ offset: 11, energyWh: 5, revision: 2 }), NOW)).toEqual({ outcome: 'stale' });
    expect(book.ingest(rec({ offset: 12, energyWh: 5, revision: 1 }), NOW)).toEqual({ outcome: 'stale' });
    // Checked only when both carry one.
    expect(book.ingest(rec({ offset: 13, energyWh: 5 }), NOW).outcome).toBe('corrected');
    // A stale record still advances the offset.
    expect(book.ingest(rec({ offset: 12, energyWh: 6 }), NOW)).toEqual({ outcome: 'unchanged', why: 'offset' });
  });

  it('P2P-IN4: a correction is revision r+1; measured with a different value is stored as replaced', () => {
    const book = new StreamBook(limits);
    book.ingest(rec(), NOW);
    const corrected = book.ingest(rec({ energyWh: 90 }), NOW);
    expect(corrected).toMatchObject({
      outcome: 'corrected',
      revision: { revision: 1, quality: 'replaced', sentQuality: 'measured' },
      supersedes: { revision: 0 },
    });
    // Same value, only the quality as sent changes: not replaced.
    const estimated = new StreamBook(limits);
    estimated.ingest(rec({ quality: 'estimated' }), NOW);
    expect(estimated.ingest(rec({ quality: 'measured' }), NOW)).toMatchObject({
      outcome: 'corrected',
      revision: { quality: 'measured' },
    });
  });

  it('P2P-IN4: an estimate never supersedes measured or replaced; it is kept non-effective', () => {
    const book = new StreamBook(limits);
    book.ingest(rec(), NOW);
    expect(book.ingest(rec({ energyWh: 80, quality: 'estimated' }), NOW)).toMatchObject({
      outcome: 'estimate-kept',
      revision: { revision: 1 },
    });
    expect(book.history('meter-1', T)?.effective.energyWh).toBe(100);
    // Re-delivering the kept estimate is identical to the latest revision.
    expect(book.ingest(rec({ energyWh: 80, quality: 'estimated' }), NOW)).toEqual({
      outcome: 'unchanged',
      why: 'identical',
    });
    // An estimate over an estimate is a correction.
    const estimates = new StreamBook(limits);
    estimates.ingest(rec({ quality: 'estimated' }), NOW);
    expect(estimates.ingest(rec({ quality: 'estimated', energyWh: 1 }), NOW).outcome).toBe('corrected');
  });

  it('P2P-IN4: at the grid an estimated producer.output revision does not supersede a measured one either', () => {
    const book = new StreamBook(limits);
    const output = {
      complete: true,
      missingSources: [],
      partialSources: [],
      producerPricePerMWh: 4000,
      paymentIdOrAddress: 'SUNFARM01',
    };
    book.ingest(rec({ streamKey: 'SUNFARM01', revision: 0, energyWh: 4500, quality: 'measured', output }), NOW);
    // A late estimated source reading made the producer publish revision 1 labelled estimated (§3.2).
    expect(
      book.ingest(rec({ streamKey: 'SUNFARM01', revision: 1, energyWh: 5200, quality: 'estimated', output }), NOW),
    ).toMatchObject({ outcome: 'estimate-kept', revision: { revision: 1, energyWh: 5200 } });
    expect(book.history('SUNFARM01', T)?.effective).toMatchObject({ revision: 0, energyWh: 4500, quality: 'measured' });
    expect(book.effectiveTotalWh('SUNFARM01')).toBe(4500);
    // Its measured successor supersedes, stored as replaced (the value differs from the effective one).
    expect(
      book.ingest(rec({ streamKey: 'SUNFARM01', revision: 2, energyWh: 5300, quality: 'measured', output }), NOW),
    ).toMatchObject({
      outcome: 'corrected',
      revision: { revision: 2, energyWh: 5300, quality: 'replaced' },
      supersedes: { revision: 0 },
    });
    // Nor does an estimate supersede a replaced value.
    expect(
      book.ingest(rec({ streamKey: 'SUNFARM01', revision: 3, energyWh: 1, quality: 'estimated', output }), NOW).outcome,
    ).toBe('estimate-kept');
    expect(book.effectiveTotalWh('SUNFARM01')).toBe(5300);
    // An estimated first output is effective (nothing measured to keep), and a measured revision replaces it.
    const estimatedFirst = new StreamBook(limits);
    expect(
      estimatedFirst.ingest(rec({ streamKey: 'WINDMILL1', revision: 0, quality: 'estimated', output }), NOW).outcome,
    ).toBe('accepted');
    expect(
      estimatedFirst.ingest(
        rec({ streamKey: 'WINDMILL1', revision: 1, quality: 'estimated', energyWh: 7, output }),
        NOW,
      ).outcome,
    ).toBe('corrected');
  });

  it('P2P-IN5: a span overlapping another effective reading of the stream is rejected (overlap); a corrected span is checked too', () => {
    const book = new StreamBook(limits);
    book.ingest(rec(), NOW);
    book.ingest(rec({ span: { start: T + 2 * L, end: T + 3 * L } }), NOW);
    expect(book.ingest(rec({ span: { start: T + L - 1, end: T + 2 * L } }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'overlap',
    });
    expect(book.ingest(rec({ span: { start: T + L, end: T + 2 * L + 1 } }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'overlap',
    });
    expect(book.ingest(rec({ span: { start: T + L, end: T + 2 * L } }), NOW).outcome).toBe('accepted');
    expect(book.ingest(rec({ span: { start: T, end: T + L + 1 } }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'overlap',
    });
    expect(book.effectiveWithin('meter-1', { start: T, end: T + 3 * L }).map((r) => r.span.start)).toEqual([
      T,
      T + L,
      T + 2 * L,
    ]);
  });

  it('MAX_RECORD_WH: a record carrying more energy than one record may is rejected for its energy', () => {
    const book = new StreamBook({ ...limits, maxRecordWh: 1_000 });
    expect(book.ingest(rec({ energyWh: 1_000 }), NOW).outcome).toBe('accepted');
    expect(book.ingest(rec({ span: { start: T + L, end: T + 2 * L }, energyWh: 1_001 }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'energy',
    });
  });

  it('a record that would take the cumulative energy past 2^53 throws and leaves the stream as it was', () => {
    const book = new StreamBook(limits);
    book.ingest(rec({ energyWh: Number.MAX_SAFE_INTEGER, offset: 1 }), NOW);
    const next = { start: T + L, end: T + 2 * L };
    expect(() => book.ingest(rec({ span: next, energyWh: 1, offset: 2 }), NOW)).toThrow('cumulative energy');
    expect(book.history('meter-1', next.start)).toBeUndefined();
    expect(book.effectiveTotalWh('meter-1')).toBe(Number.MAX_SAFE_INTEGER);
    // Neither its span nor its offset was taken: the same record with 0 Wh is accepted, after it the offset moves.
    expect(book.ingest(rec({ span: next, energyWh: 0, offset: 2 }), NOW).outcome).toBe('accepted');
    expect(book.ingest(rec({ span: next, energyWh: 0, offset: 2 }), NOW)).toEqual({
      outcome: 'unchanged',
      why: 'offset',
    });
  });

  it('P2P-IN8: semantic rejections carry their reason', () => {
    const book = new StreamBook(limits);
    expect(book.ingest(rec({ energyWh: -1 }), NOW)).toEqual({ outcome: 'rejected', reason: 'energy' });
    expect(book.ingest(rec({ energyWh: 1.5 }), NOW)).toEqual({ outcome: 'rejected', reason: 'energy' });
    expect(book.ingest(rec({ span: { start: T, end: T } }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'empty-span',
    });
    expect(book.ingest(rec({ span: { start: NOW, end: NOW + 300_001 } }), NOW)).toEqual({
      outcome: 'rejected',
      reason: 'future',
    });
    expect(book.effectiveWithin('meter-1', { start: 0, end: NOW * 2 })).toEqual([]);
  });

  it('P2P-IN10: HTTP input (no offset) goes through the same rules without the offset guard', () => {
    const book = new StreamBook(limits);
    const first = readMeterReading(
      { meterId: 'meter-1', startTime: T + 1, endTime: T + L, usage: '1.25' },
      { role: 'consumer', channel: 'http', wireBounds: 'inclusive' },
    );
    if (first.kind !== 'record') throw new Error(`expected a record, got ${first.kind}`);
    expect(first.record.offset).toBeUndefined();
    book.ingest(rec({ offset: 40 }), NOW);
    // The Kafka offset 40 applied to this stream does not hold back HTTP input: identity, correction, overlap decide.
    expect(book.ingest(first.record, NOW)).toMatchObject({
      outcome: 'corrected',
      revision: { energyWh: 1250, quality: 'replaced' },
    });
    expect(book.ingest(first.record, NOW)).toEqual({ outcome: 'unchanged', why: 'identical' });
  });

  it('decideIngestion is the pure rule the services call with their own view of the stream', () => {
    expect(decideIngestion({}, rec(), NOW, limits)).toMatchObject({
      outcome: 'accepted',
      revision: { revision: 0, quality: 'measured' },
    });
    expect(decideIngestion({ previous: { start: T - L, end: T + 1 } }, rec(), NOW, limits)).toEqual({
      outcome: 'rejected',
      reason: 'overlap',
    });
    expect(decideIngestion({ offset: 5 }, rec({ offset: 5 }), NOW, limits)).toEqual({
      outcome: 'unchanged',
      why: 'offset',
    });
  });

  it('changedSpan covers the old and the new span of a correction', () => {
    const book = new StreamBook(limits);
    book.ingest(rec({ span: { start: T, end: T + 2 * L } }), NOW);
    expect(changedSpan(book.ingest(rec({ span: { start: T, end: T + L }, energyWh: 50 }), NOW))).toEqual({
      start: T,
      end: T + 2 * L,
    });
    expect(changedSpan(book.ingest(rec({ span: { start: T, end: T + L }, energyWh: 50 }), NOW))).toBeNull();
  });
});

describe('P2P-IN6 reading records by role', () => {
  const wire = { meterId: 'm1', startTime: T + 1, endTime: T + 30_000, source: 'p2p-simulator' };

  it('P2P-IN6: a command must fit the role; others are ignored', () => {
    expect(commandFitsRole('source', 'output')).toBe(true);
    expect(commandFitsRole('source', 'usage')).toBe(false);
    expect(commandFitsRole('consumer', undefined)).toBe(true);
    expect(commandFitsRole('consumer', 'output')).toBe(false);
    expect(
      readMeterReading(
        { ...wire, energyWh: 1, command: 'usage' },
        { role: 'source', channel: 'kafka', wireBounds: 'half-open' },
      ),
    ).toEqual({ kind: 'ignored', why: 'command' });
    expect(
      readMeterReading({ ...wire, command: 'output' }, { role: 'source', channel: 'kafka', wireBounds: 'half-open' }),
    ).toEqual({ kind: 'ignored', why: 'no-energy' });
  });

  it('P2P-T4/U1: HTTP input reads the configured bounds and exact kWh aliases', () => {
    const http = readMeterReading(
      { ...wire, output: 1.25 },
      { role: 'source', channel: 'http', wireBounds: 'inclusive' },
    );
    expect(http).toEqual({
      kind: 'record',
      record: { streamKey: 'm1', span: { start: T, end: T + 30_000 }, energyWh: 1250 },
    });
    expect(
      readMeterReading({ ...wire, usage: 0.0005 }, { role: 'consumer', channel: 'http', wireBounds: 'inclusive' }),
    ).toEqual({ kind: 'rejected', reason: 'energy' });
    // Kafka without bounds is half-open; aliases are not read there.
    expect(
      readMeterReading(
        { ...wire, energyWh: 7, revision: 2, quality: 'estimated' },
        { role: 'consumer', channel: 'kafka', wireBounds: 'inclusive', offset: 4 },
      ),
    ).toEqual({
      kind: 'record',
      record: {
        streamKey: 'm1',
        span: { start: T + 1, end: T + 30_000 },
        energyWh: 7,
        revision: 2,
        quality: 'estimated',
        offset: 4,
      },
    });
    expect(
      readMeterReading(
        { ...wire, startTime: 1.5, energyWh: 1 },
        { role: 'consumer', channel: 'kafka', wireBounds: 'half-open' },
      ),
    ).toEqual({ kind: 'rejected', reason: 'not-integer' });
  });

  it('§3.2: the grid reads producer output with its own bounds and completeness', () => {
    const read = readProducerOutput(
      {
        producerId: 'SUNFARM01',
        startTime: T + 1,
        endTime: T + 30_000,
        bounds: 'inclusive',
        outputWh: 4500,
        producerPricePerMWh: 4000,
        paymentIdOrAddress: 'addr-1',
        quality: 'measured',
        complete: true,
        missingSources: [],
        partialSources: [],
        revision: 0,
      },
      17,
    );
    expect(read.kind === 'record' && read.record).toEqual({
      streamKey: 'SUNFARM01',
      span: { start: T, end: T + 30_000 },
      energyWh: 4500,
      quality: 'measured',
      revision: 0,
      offset: 17,
      output: {
        complete: true,
        missingSources: [],
        partialSources: [],
        producerPricePerMWh: 4000,
        paymentIdOrAddress: 'addr-1',
      },
    });
  });

  it('P2P-IN6: producer output whose command does not fit the producer role is ignored, as readMeterReading does', () => {
    const value = {
      producerId: 'SUNFARM01',
      startTime: T,
      endTime: T + 30_000,
      outputWh: 4500,
      producerPricePerMWh: 4000,
      paymentIdOrAddress: 'addr-1',
      quality: 'measured' as const,
      complete: true,
      missingSources: [],
      partialSources: [],
      revision: 0,
    };
    expect(readProducerOutput({ ...value, command: 'usage' })).toEqual({ kind: 'ignored', why: 'command' });
    expect(readProducerOutput({ ...value, command: 'output' }).kind).toBe('record');
    expect(readProducerOutput(value).kind).toBe('record');
  });
});
