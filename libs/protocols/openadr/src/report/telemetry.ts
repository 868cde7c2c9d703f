/** RP-7, RP-8, RP-10 and RP-13: TELEMETRY_USAGE updates as meter.readings records. */
import type { ItemBase } from '../payloads/common';
import type { OadrReport, OadrReportDescription, ReportType } from '../payloads/report';
import { OadrDataError } from '../errors';
import type { Duration, Instant } from '../values';
import { readingQuality, type ReadingQuality, scaleToInteger } from './conversion';

export type TelemetryMeasure = 'powerW' | 'energyWh';

/**
 * RP-10: what an rID's values are on meter.readings: power (powerReal in W or J/s, customUnit W) or energy
 * over the interval (energyReal Wh or customUnit Wh with reportType usage or deltaUsage); undefined when
 * they are stored only (cumulative registers, reactive power, voltage, status, other units).
 */
export function telemetryMeasure(itemBase: ItemBase | undefined, reportType: ReportType): TelemetryMeasure | undefined {
  if (!itemBase || itemBase.type === 'pulseCount' || itemBase.type === 'oadrGBDataDescription') return undefined;
  const { type, itemUnits } = itemBase;
  if (
    (type === 'powerReal' && (itemUnits === 'W' || itemUnits === 'J/s')) ||
    (type === 'customUnit' && itemUnits === 'W')
  )
    return 'powerW';
  const energy = (type === 'energyReal' && itemUnits === 'Wh') || (type === 'customUnit' && itemUnits === 'Wh');
  return energy && (reportType === 'usage' || reportType === 'deltaUsage') ? 'energyWh' : undefined;
}

export interface IntervalSpan {
  readonly start: Instant;
  readonly end: Instant;
}

/**
 * RP-7: each interval's start (its dtstart, else the report's dtstart plus the earlier intervals'
 * durations, else 454) and end (start + its duration if > 0, else start + G if G > 0, else start).
 */
export function intervalSpans(report: OadrReport, granularity: Duration): IntervalSpan[] {
  let offset: number | undefined = report.dtstart;
  return (report.intervals ?? []).map((interval, i) => {
    const start = interval.dtstart ?? offset;
    if (start === undefined) throw new OadrDataError(`report interval ${i} has no start and none can be derived`);
    offset = interval.duration !== undefined && offset !== undefined ? offset + interval.duration * 1000 : undefined;
    const length = interval.duration && interval.duration > 0 ? interval.duration : granularity;
    return { start, end: start + length * 1000 };
  });
}

/** The report request (and what the VEN registered for it) an update is for. */
export interface TelemetryRequest {
  readonly venId: string;
  readonly reportRequestId: string;
  readonly reportSpecifierId: string;
  /** The report name without METADATA_ (only TELEMETRY_USAGE is published, RP-10). */
  readonly reportName: string;
  readonly granularity: Duration;
  /** The registered descriptions of the requested rIDs. */
  readonly descriptions: ReadonlyMap<string, OadrReportDescription>;
}

/** RP-13 without the writer's revision: one meter.readings record. */
export interface TelemetryReading {
  readonly meterId: string;
  readonly startTime: Instant;
  readonly endTime: Instant;
  readonly energyWh?: number;
  readonly powerW?: number;
  readonly quality: ReadingQuality;
  readonly source: 'openadr-vtn';
  readonly origin: {
    readonly venId: string;
    readonly reportRequestId: string;
    readonly reportSpecifierId: string;
    readonly rId: string;
    readonly resourceId?: string;
  };
}

export interface TelemetryExtraction {
  readonly readings: TelemetryReading[];
  /** rIDs of data points outside the request (RP-8: ignored). */
  readonly ignoredRIds: string[];
}

/**
 * The meter.readings records of one oadrReport of an oadrUpdateReport (RP-7 … RP-13). Throws OadrDataError
 * (454) for an interval without a derivable start or a value out of range; nothing is returned then.
 */
export function telemetryReadings(report: OadrReport, request: TelemetryRequest): TelemetryExtraction {
  const readings: TelemetryReading[] = [];
  const ignoredRIds: string[] = [];
  const spans = intervalSpans(report, request.granularity);
  (report.intervals ?? []).forEach((interval, i) => {
    const span = spans[i];
    // meter.readings spans are half-open and non-empty; a zero-length one (no duration, G = 0) is stored only.
    const publishable = span !== undefined && span.end > span.start && request.reportName === 'TELEMETRY_USAGE';
    for (const payload of interval.payloads) {
      if (payload.type !== 'oadrReportPayload') continue;
      const description = request.descriptions.get(payload.rID);
      if (!description) {
        ignoredRIds.push(payload.rID);
        continue;
      }
      if (!publishable || payload.payloadBase.type !== 'payloadFloat') continue;
      const measure = telemetryMeasure(description.itemBase, description.reportType);
      const quality = readingQuality(payload.oadrDataQuality, description.readingType);
      if (!measure || !quality || !description.itemBase || !('siScaleCode' in description.itemBase)) continue;
      const value = scaleToInteger(payload.payloadBase.value, description.itemBase.siScaleCode);
      const resourceId = description.reportDataSource?.resourceID?.[0] ?? description.reportSubject?.resourceID?.[0];
      readings.push({
        meterId: `${request.venId}:${payload.rID}`,
        startTime: span.start,
        endTime: span.end,
        ...(measure === 'powerW' ? { powerW: value } : { energyWh: value }),
        quality,
        source: 'openadr-vtn',
        origin: {
          venId: request.venId,
          reportRequestId: request.reportRequestId,
          reportSpecifierId: request.reportSpecifierId,
          rId: payload.rID,
          ...(resourceId !== undefined && { resourceId }),
        },
      });
    }
  });
  return { readings, ignoredRIds };
}
