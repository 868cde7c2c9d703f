import { type RejectionReason, type Span, type SpanLimits, spanRejection } from '../time/interval';
import { type Quality } from './quality';
import { addSafe } from '../units/units';

/** What a `producer.output` adds to a stream record (§3.2); readings have none. */
export interface OutputDetail {
  complete: boolean;
  missingSources: readonly string[];
  partialSources: readonly string[];
  producerPricePerMWh: number;
  paymentIdOrAddress: string;
}

/** One data record of a stream, its times already read as a half-open span (P2P-T4). */
export interface StreamRecord {
  streamKey: string;
  span: Span;
  energyWh: number;
  /** As sent; absent means `measured`. */
  quality?: Quality;
  /** The sender's correction counter (P2P-IN3). */
  revision?: number;
  /** The Kafka offset; absent on HTTP input (P2P-IN10). */
  offset?: number;
  output?: OutputDetail;
}

/** One immutable revision under a natural key `(stream, s)` (P2P-IN1). */
export interface StoredRevision {
  streamKey: string;
  /** Our revision: 0 for the first record of the key, +1 per correction (P2P-IN4). */
  revision: number;
  span: Span;
  energyWh: number;
  /** Stored quality: the sender's, or `replaced` per P2P-IN4. */
  quality: Quality;
  /** Quality as sent, which identity is judged on (P2P-IN2). */
  sentQuality: Quality;
  senderRevision?: number;
  output?: OutputDetail;
}

/** All revisions of one natural key, and the one used elsewhere. */
export interface KeyHistory {
  revisions: readonly StoredRevision[];
  effective: StoredRevision;
}

/** What the rules need to know about a stream to decide on one record. */
export interface StreamView {
  /** The highest Kafka offset applied to this stream. */
  offset?: number;
  /** The revisions stored under the record's `s`. */
  history?: KeyHistory;
  /** The effective span with the largest start below the record's `s`. */
  previous?: Span;
  /** The effective span with the smallest start above the record's `s`. */
  next?: Span;
}

export type IngestionOutcome =
  /** A new natural key: the revision becomes effective. */
  | { outcome: 'accepted'; revision: StoredRevision }
  /** P2P-IN4: a correction becomes effective in place of `supersedes`. */
  | { outcome: 'corrected'; revision: StoredRevision; supersedes: StoredRevision }
  /** P2P-IN4: an estimate kept beside an effective measured or replaced value, counted. */
  | { outcome: 'estimate-kept'; revision: StoredRevision }
  /** P2P-IN2/IN3: identical re-delivery, or an offset already applied. */
  | { outcome: 'unchanged'; why: 'identical' | 'offset' }
  /** P2P-IN3: a sender revision not above the effective one. */
  | { outcome: 'stale' }
  /** P2P-IN8. */
  | { outcome: 'rejected'; reason: RejectionReason };

/**
 * An outcome as a service sees it: P2P-CH3/CH4 first drop data of streams not bound to an active registration
 * (`unbound`, also after a goodbye) and of proof-bound streams whose latest hello carries another hash (`suspended`).
 */
export type BoundIngestion = IngestionOutcome | { outcome: 'unbound' | 'suspended' };

function sameSources(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** P2P-IN2: same `e`, energy and quality as sent; for output also the same completeness. */
function isIdentical(stored: StoredRevision, record: StreamRecord): boolean {
  if (stored.span.end !== record.span.end || stored.energyWh !== record.energyWh) return false;
  if (stored.sentQuality !== (record.quality ?? 'measured')) return false;
  const a = stored.output;
  const b = record.output;
  if (!a || !b) return a === b;
  return (
    a.complete === b.complete &&
    sameSources(a.missingSources, b.missingSources) &&
    sameSources(a.partialSources, b.partialSources)
  );
}

/** P2P-IN5: overlap with the effective neighbours (effective spans never overlap each other). */
function overlapsNeighbour(view: StreamView, span: Span): boolean {
  return (
    (view.previous !== undefined && view.previous.end > span.start) ||
    (view.next !== undefined && view.next.start < span.end)
  );
}

/**
 * The ingestion rules of §5 for one record of one stream, as a pure decision the caller stores: the offset
 * guard (IN3), validation (T5, IN8), identity (IN2), staleness (IN3), overlap (IN5) and correction with its
 * stored quality (IN4). Every outcome also applies the record's offset, if any.
 */
export function decideIngestion(
  view: StreamView,
  record: StreamRecord,
  now: number,
  limits: SpanLimits,
): IngestionOutcome {
  if (record.offset !== undefined && view.offset !== undefined && record.offset <= view.offset) {
    return { outcome: 'unchanged', why: 'offset' };
  }
  const history = view.history;
  if (history) {
    const latest = history.revisions[history.revisions.length - 1];
    if (isIdentical(history.effective, record) || isIdentical(latest, record))
      return { outcome: 'unchanged', why: 'identical' };
  }
  const spanProblem = spanRejection(record.span, now, limits);
  if (spanProblem) return { outcome: 'rejected', reason: spanProblem };
  if (
    !Number.isSafeInteger(record.energyWh) ||
    record.energyWh < 0 ||
    record.energyWh > (limits.maxRecordWh ?? Number.MAX_SAFE_INTEGER)
  )
    return { outcome: 'rejected', reason: 'energy' };
  const effective = history?.effective;
  if (
    effective?.senderRevision !== undefined &&
    record.revision !== undefined &&
    record.revision <= effective.senderRevision
  ) {
    return { outcome: 'stale' };
  }
  if (overlapsNeighbour(view, record.span)) return { outcome: 'rejected', reason: 'overlap' };

  const sentQuality = record.quality ?? 'measured';
  if (!history || !effective) return { outcome: 'accepted', revision: storedRevision(record, 0, sentQuality) };

  const revision = history.revisions.length;
  // §5 covers producer output at the grid as well: an output revision labelled `estimated` (one of its sources
  // estimated, §3.2) waits beside the measured one until the producer publishes a better revision.
  if (sentQuality === 'estimated' && effective.quality !== 'estimated') {
    return { outcome: 'estimate-kept', revision: storedRevision(record, revision, sentQuality) };
  }
  const valueChanged = effective.energyWh !== record.energyWh || effective.span.end !== record.span.end;
  const quality: Quality = sentQuality === 'measured' && valueChanged ? 'replaced' : sentQuality;
  return { outcome: 'corrected', revision: storedRevision(record, revision, quality), supersedes: effective };
}

function storedRevision(record: StreamRecord, revision: number, quality: Quality): StoredRevision {
  return {
    streamKey: record.streamKey,
    revision,
    span: record.span,
    energyWh: record.energyWh,
    quality,
    sentQuality: record.quality ?? 'measured',
    senderRevision: record.revision,
    output: record.output,
  };
}

/** The span whose effective data an outcome changed, or null: what a run must look at again. */
export function changedSpan(outcome: IngestionOutcome): Span | null {
  if (outcome.outcome === 'accepted') return outcome.revision.span;
  if (outcome.outcome !== 'corrected') return null;
  return { start: outcome.revision.span.start, end: Math.max(outcome.revision.span.end, outcome.supersedes.span.end) };
}

/** One stream's state as the in-memory book keeps it. */
interface StreamState {
  offset?: number;
  /** One history per natural key, sorted by the effective start; effective spans never overlap, so their ends are sorted too. */
  keys: KeyHistory[];
  /** Σ energy of the effective revisions. */
  effectiveWh: number;
}

/** The index of the first history whose key is ≥ `value`, in a list sorted by that key. */
function lowerBound(list: readonly KeyHistory[], value: number, key: (h: KeyHistory) => number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (key(list[mid]) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

const startOf = (h: KeyHistory): number => h.effective.span.start;
const endOf = (h: KeyHistory): number => h.effective.span.end;

/**
 * The ingested records of one topic, in memory: every revision of every natural key and the effective ones
 * per stream, indexed for the overlap rule and per-interval queries. Services keep the same facts in their
 * database and call `decideIngestion` themselves; this book serves simulators, tests and benchmarks, and shows
 * what they must keep.
 */
export class StreamBook {
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly limits: SpanLimits) {}

  /** Applies §5 to one record at `now` and stores its effect. */
  ingest(record: StreamRecord, now: number): IngestionOutcome {
    const known = this.streams.get(record.streamKey);
    const stream = known ?? { keys: [], effectiveWh: 0 };
    const start = record.span.start;
    const keys = stream.keys;
    // Records mostly arrive in time order: then the new start sorts last and no search is needed.
    const at =
      keys.length === 0 || startOf(keys[keys.length - 1]) < start ? keys.length : lowerBound(keys, start, startOf);
    const same = at < keys.length && startOf(keys[at]) === start;
    const view: StreamView = {
      offset: stream.offset,
      history: same ? keys[at] : undefined,
      previous: at > 0 ? keys[at - 1].effective.span : undefined,
      next: keys[same ? at + 1 : at]?.effective.span,
    };
    const decision = decideIngestion(view, record, now, this.limits);
    // The cumulative energy first: a record that would take it past 2^53 throws before the stream changes (its
    // offset included), so a caller that keeps the record as rejected and goes on holds the state it had.
    switch (decision.outcome) {
      case 'accepted': {
        const effectiveWh = addSafe(stream.effectiveWh, decision.revision.energyWh, 'cumulative energy');
        keys.splice(at, 0, { revisions: [decision.revision], effective: decision.revision });
        stream.effectiveWh = effectiveWh;
        break;
      }
      case 'corrected': {
        const effectiveWh = addSafe(
          stream.effectiveWh,
          decision.revision.energyWh - decision.supersedes.energyWh,
          'cumulative energy',
        );
        keys[at] = { revisions: [...keys[at].revisions, decision.revision], effective: decision.revision };
        stream.effectiveWh = effectiveWh;
        break;
      }
      case 'estimate-kept':
        keys[at] = { revisions: [...keys[at].revisions, decision.revision], effective: keys[at].effective };
        break;
      default:
        break;
    }
    if (record.offset !== undefined && !(decision.outcome === 'unchanged' && decision.why === 'offset'))
      stream.offset = record.offset;
    if (!known) this.streams.set(record.streamKey, stream);
    return decision;
  }

  /** The effective revisions of a stream that overlap `span`, in time order. */
  effectiveWithin(streamKey: string, span: Span): StoredRevision[] {
    const stream = this.streams.get(streamKey);
    if (!stream) return [];
    const found: StoredRevision[] = [];
    for (let i = lowerBound(stream.keys, span.start + 1, endOf); i < stream.keys.length; i++) {
      const revision = stream.keys[i].effective;
      if (revision.span.start >= span.end) break;
      found.push(revision);
    }
    return found;
  }

  /** Σ energy of a stream's effective records (P2P-L5 `cumOutputWh`). */
  effectiveTotalWh(streamKey: string): number {
    return this.streams.get(streamKey)?.effectiveWh ?? 0;
  }

  /** The effective record with the highest start (§3.2: the producer's latest output decides its address). */
  latestEffective(streamKey: string): StoredRevision | undefined {
    const keys = this.streams.get(streamKey)?.keys;
    return keys?.[keys.length - 1]?.effective;
  }

  /** Every revision stored under `(streamKey, start)`. */
  history(streamKey: string, start: number): KeyHistory | undefined {
    const keys = this.streams.get(streamKey)?.keys;
    if (!keys) return undefined;
    const at = lowerBound(keys, start, startOf);
    return at < keys.length && startOf(keys[at]) === start ? keys[at] : undefined;
  }
}
