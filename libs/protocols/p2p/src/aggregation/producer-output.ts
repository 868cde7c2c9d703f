import { type OutputAggregate } from './aggregation';
import { type OutputDetail, type StreamRecord } from '../ingestion/ingestion';
import { type Bounds, readSpan, toWireSpan } from '../time/interval';
import { type Quality } from '../ingestion/quality';
import { type Profile } from '../config/profile';
import { thousandthsToDecimal } from '../units/units';
import { commandFitsRole } from '../ingestion/meter-reading';

/** What a producer has published for one interval: the latest revision of its `producer.output`. */
export interface PublishedOutput {
  intervalStart: number;
  revision: number;
  outputWh: number;
  quality: Quality;
  complete: boolean;
  missingSources: string[];
  partialSources: string[];
  producerPricePerMWh: number;
  paymentIdOrAddress: string;
}

/** The producer's current offer: its asking price and where payouts go. */
export interface ProducerOffer {
  producerPricePerMWh: number;
  paymentIdOrAddress: string;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * P2P-AG3/AG4: revision 0 in the first run where the interval is due (also for 0 Wh or missing sources), with
 * the price in force then; revision + 1 when output, quality, completeness or the missing/partial sets changed,
 * keeping the first price. Null when there is nothing to publish.
 */
export function planProducerOutput(
  published: PublishedOutput | undefined,
  aggregate: OutputAggregate,
  offer: ProducerOffer,
): PublishedOutput | null {
  const content = {
    intervalStart: aggregate.intervalStart,
    outputWh: aggregate.outputWh,
    quality: aggregate.quality,
    complete: aggregate.complete,
    missingSources: aggregate.missingSources,
    partialSources: aggregate.partialSources,
  };
  if (!published) return { ...content, revision: 0, ...offer };
  const changed =
    published.outputWh !== content.outputWh ||
    published.quality !== content.quality ||
    published.complete !== content.complete ||
    !sameList(published.missingSources, content.missingSources) ||
    !sameList(published.partialSources, content.partialSources);
  if (!changed) return null;
  return {
    ...content,
    revision: published.revision + 1,
    producerPricePerMWh: published.producerPricePerMWh,
    paymentIdOrAddress: offer.paymentIdOrAddress,
  };
}

/** §3.2 `producer.output` value. */
export interface ProducerOutputValue {
  command: 'output';
  producerId: string;
  startTime: number;
  endTime: number;
  bounds: Bounds;
  outputWh: number;
  output: number;
  producerPrice: number;
  producerPricePerMWh: number;
  paymentIdOrAddress: string;
  quality: Quality;
  complete: boolean;
  missingSources: string[];
  partialSources: string[];
  revision: number;
  publishedAt: number;
  profile: Profile;
}

export interface OutputPublication {
  producerId: string;
  intervalMs: number;
  /** The configured wire bounds (P2P-T3). */
  bounds: Bounds;
  publishedAt: number;
  profile: Profile;
}

/** The §3.2 record of a planned output, labelled with its own interval (P2P-AG5), and its `ce_id`. */
export function producerOutputRecord(
  output: PublishedOutput,
  publication: OutputPublication,
): { ceId: string; value: ProducerOutputValue } {
  const wire = toWireSpan(
    { start: output.intervalStart, end: output.intervalStart + publication.intervalMs },
    publication.bounds,
  );
  return {
    ceId: `${publication.producerId}:${output.intervalStart}:${output.revision}`,
    value: {
      command: 'output',
      producerId: publication.producerId,
      ...wire,
      outputWh: output.outputWh,
      output: thousandthsToDecimal(output.outputWh),
      producerPrice: thousandthsToDecimal(output.producerPricePerMWh),
      producerPricePerMWh: output.producerPricePerMWh,
      paymentIdOrAddress: output.paymentIdOrAddress,
      quality: output.quality,
      complete: output.complete,
      missingSources: output.missingSources,
      partialSources: output.partialSources,
      revision: output.revision,
      publishedAt: publication.publishedAt,
      profile: publication.profile,
    },
  };
}

/** §3.2 as the grid reads it, after the topic's schema (which requires every field but `bounds` here). */
export type ProducerOutputIn = Omit<
  ProducerOutputValue,
  'command' | 'output' | 'producerPrice' | 'publishedAt' | 'profile' | 'bounds'
> & { bounds?: Bounds; command?: string };

/**
 * Turns a `producer.output` into the stream record the grid's ingestion rules take (§5 checks its values). As
 * `readMeterReading` does, a `command` that does not fit the producer role is ignored and counted (P2P-IN6).
 */
export function readProducerOutput(
  value: ProducerOutputIn,
  offset?: number,
): { kind: 'record'; record: StreamRecord } | { kind: 'ignored'; why: 'command' } {
  if (!commandFitsRole('producer', value.command)) return { kind: 'ignored', why: 'command' };
  const output: OutputDetail = {
    complete: value.complete,
    missingSources: value.missingSources,
    partialSources: value.partialSources,
    producerPricePerMWh: value.producerPricePerMWh,
    paymentIdOrAddress: value.paymentIdOrAddress,
  };
  const record: StreamRecord = {
    streamKey: value.producerId,
    span: readSpan(value.startTime, value.endTime, value.bounds ?? 'half-open'),
    energyWh: value.outputWh,
    quality: value.quality,
    revision: value.revision,
    ...(offset !== undefined ? { offset } : {}),
    output,
  };
  return { kind: 'record', record };
}
