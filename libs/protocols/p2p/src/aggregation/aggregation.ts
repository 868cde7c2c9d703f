import { compareIds } from '../units/id-order';
import { type StoredRevision } from '../ingestion/ingestion';
import { streamIntervalData } from './interval-data';
import { type Quality, worseQuality } from '../ingestion/quality';
import { addSafe } from '../units/units';

/** P2P-AG1, P2P-S2: `present` (full coverage), `partial`, or `missing` (no data; never 0). */
export type MemberStatus = 'present' | 'partial' | 'missing';

export interface SourceContribution {
  id: string;
  status: MemberStatus;
  /** Null when missing. */
  energyWh: number | null;
  coverageMs: number;
}

/** A producer's output for one interval before it is published (P2P-AG1, AG2). */
export interface OutputAggregate {
  intervalStart: number;
  outputWh: number;
  quality: Quality;
  complete: boolean;
  /** Sorted registration ids. */
  missingSources: string[];
  partialSources: string[];
  sources: SourceContribution[];
}

export interface AggregationInput {
  intervalStart: number;
  intervalMs: number;
  /** Source registrations active at any time within the interval. */
  expectedSources: readonly string[];
  /** Each source's effective readings overlapping the interval, by registration id. */
  readings: ReadonlyMap<string, readonly StoredRevision[]>;
}

/**
 * P2P-AG1/AG2: the energy each source assigns to the interval from **all** its effective readings (straddlers
 * split), its status, and the sum. Sources with data count even if no longer expected; a 0 Wh reading is present.
 */
export function aggregateOutput(input: AggregationInput): OutputAggregate {
  const { intervalStart, intervalMs } = input;
  const ids = [...new Set([...input.expectedSources, ...input.readings.keys()])].sort(compareIds);
  let outputWh = 0;
  let quality: Quality = 'measured';
  const sources: SourceContribution[] = [];
  for (const id of ids) {
    const data = streamIntervalData(input.readings.get(id) ?? [], intervalStart, intervalMs);
    if (!data) {
      sources.push({ id, status: 'missing', energyWh: null, coverageMs: 0 });
      continue;
    }
    outputWh = addSafe(outputWh, data.energyWh, 'outputWh');
    quality = worseQuality(quality, data.quality);
    sources.push({
      id,
      status: data.coverageMs === intervalMs ? 'present' : 'partial',
      energyWh: data.energyWh,
      coverageMs: data.coverageMs,
    });
  }
  const missingSources = sources.filter((s) => s.status === 'missing').map((s) => s.id);
  const partialSources = sources.filter((s) => s.status === 'partial').map((s) => s.id);
  return {
    intervalStart,
    outputWh,
    quality,
    complete: missingSources.length === 0 && partialSources.length === 0,
    missingSources,
    partialSources,
    sources,
  };
}
