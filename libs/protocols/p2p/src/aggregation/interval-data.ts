import { type OutputDetail, type StoredRevision } from '../ingestion/ingestion';
import { shareIn } from '../time/interval';
import { type Quality, worseQuality } from '../ingestion/quality';
import { addSafe } from '../units/units';

/** What one stream contributes to one interval (P2P-T6, P2P-AG1, P2P-S1). */
export interface StreamIntervalData {
  /** Energy assigned to the interval from all effective records overlapping it. */
  energyWh: number;
  /** Σ ms of the effective spans inside the interval. */
  coverageMs: number;
  /** Worst quality of the contributing records. */
  quality: Quality;
  /** Highest revision of the contributing records. */
  revision: number;
}

/** A producer's effective output for an interval (P2P-S1). */
export interface ProducerIntervalData extends StreamIntervalData {
  /** The price of the earliest contributing output. */
  producerPricePerMWh: number;
  /** True only if every contributing output is complete and together they cover the interval. */
  complete: boolean;
}

/**
 * Sums a stream's effective records over the interval `[intervalStart, intervalStart + L)`, straddlers split by
 * P2P-T6. Null when no record overlaps it (the stream is missing there); a 0 Wh record is data.
 */
export function streamIntervalData(
  revisions: readonly StoredRevision[],
  intervalStart: number,
  intervalMs: number,
): StreamIntervalData | null {
  let energyWh = 0;
  let coverageMs = 0;
  let quality: Quality = 'measured';
  let revision = -1;
  for (const stored of revisions) {
    const share = shareIn(stored.span, stored.energyWh, intervalStart, intervalMs);
    if (!share) continue;
    energyWh = addSafe(energyWh, share.energyWh, 'energyWh');
    coverageMs += share.coverageMs;
    quality = worseQuality(quality, stored.quality);
    revision = Math.max(revision, stored.revision);
  }
  return revision < 0 ? null : { energyWh, coverageMs, quality, revision };
}

type OutputRevision = StoredRevision & { output: OutputDetail };

/** P2P-S1 for a producer: Σ of the overlapping outputs' shares, the earliest's price, completeness and coverage. */
export function producerIntervalData(
  outputs: readonly StoredRevision[],
  intervalStart: number,
  intervalMs: number,
): ProducerIntervalData | null {
  const overlapping = outputs
    .filter(
      (stored): stored is OutputRevision =>
        stored.output !== undefined && shareIn(stored.span, stored.energyWh, intervalStart, intervalMs) !== null,
    )
    .sort((a, b) => a.span.start - b.span.start);
  const data = streamIntervalData(overlapping, intervalStart, intervalMs);
  if (!data) return null;
  return {
    ...data,
    producerPricePerMWh: overlapping[0].output.producerPricePerMWh,
    complete: data.coverageMs === intervalMs && overlapping.every((stored) => stored.output.complete),
  };
}
