/** RP-1 and RP-3: METADATA report names and the report requests the VTN answers a registration with. */
import type { OadrReport, OadrReportRequest, ReportName, SamplingRate } from '../payloads/report';
import type { Duration } from '../values';

const METADATA = 'METADATA_';

/**
 * RP-1: the METADATA form of a registered report's name. `METADATA_…` and `x-…` stay; a bare name such as
 * `TELEMETRY_USAGE` is taken as its METADATA form, with a warning.
 */
export function metadataReportName(name: ReportName | undefined): { name: string; warning?: string } {
  const given = name ?? '';
  if (given.startsWith(METADATA) || given.startsWith('x-')) return { name: given };
  return { name: `${METADATA}${given}`, warning: `report name '${given}' taken as ${METADATA}${given}` };
}

/** A METADATA report's name without the prefix, as OADR_REQUESTED_REPORTS lists them. */
export function reportBaseName(metadataName: string): string {
  return metadataName.startsWith(METADATA) ? metadataName.slice(METADATA.length) : metadataName;
}

/** RP-3: G = min(max(configured, minPeriod), maxPeriod), whole seconds, at least 1 s. */
export function requestGranularity(rate: SamplingRate | undefined, configured: Duration): Duration {
  const lo = rate?.oadrMinPeriod ?? 0;
  const hi = rate?.oadrMaxPeriod ?? Infinity;
  return Math.max(1, Math.floor(Math.min(Math.max(configured, lo), hi)));
}

export interface RequestPolicy {
  /** OADR_REPORT_GRANULARITY in seconds. */
  readonly granularity: Duration;
  /** OADR_REPORT_BACK_MULTIPLE. */
  readonly backMultiple: number;
  /** A fresh reportRequestID (RID-3 style lowercase UUID v4 in the VTN). */
  readonly newReportRequestId: () => string;
}

/**
 * RP-3: the requests for one offered METADATA report: rIDs with equal G share a request (in order of
 * first appearance), with B = G × multiple, no reportInterval and one specifierPayload per rID carrying
 * the offered readingType and no itemBase.
 */
export function planReportRequests(report: OadrReport, policy: RequestPolicy): OadrReportRequest[] {
  const groups = new Map<
    Duration,
    { rID: string; readingType: OadrReportRequest['reportSpecifier']['specifierPayload'][number]['readingType'] }[]
  >();
  for (const description of report.oadrReportDescription ?? []) {
    const g = requestGranularity(description.oadrSamplingRate, policy.granularity);
    const group = groups.get(g) ?? [];
    group.push({ rID: description.rID, readingType: description.readingType });
    groups.set(g, group);
  }
  return [...groups].map(([granularity, specifierPayload]) => ({
    reportRequestID: policy.newReportRequestId(),
    reportSpecifier: {
      reportSpecifierID: report.reportSpecifierID,
      granularity,
      reportBackDuration: granularity * policy.backMultiple,
      specifierPayload,
    },
  }));
}

/**
 * RP-15: the request that asks a VEN to register its reports again: reportSpecifierID and rID `METADATA`
 * (OUR DECISION on the rID), readingType `x-notApplicable`, granularity and reportBackDuration `PT0S`.
 */
export function metadataReportRequest(reportRequestID: string): OadrReportRequest {
  return {
    reportRequestID,
    reportSpecifier: {
      reportSpecifierID: 'METADATA',
      granularity: 0,
      reportBackDuration: 0,
      specifierPayload: [{ rID: 'METADATA', readingType: 'x-notApplicable' }],
    },
  };
}
