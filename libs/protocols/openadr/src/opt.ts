/** SPEC §7 (EiOpt): what an oadrCreateOpt means. */
import type { OadrCreateOpt } from './payloads/opt';
import type { QualifiedEventID } from './payloads/common';
import { OadrDataError } from './errors';
import type { Instant } from './values';

/** OPT-1: an opt for one event (version); resourceIDs of its eiTarget narrow it, if any. */
export interface EventOpt {
  readonly kind: 'event';
  readonly qualifiedEventID: QualifiedEventID;
  readonly resourceIds?: readonly string[];
}

/** OPT-2: an availability schedule (optIn: available in these periods; optOut: not available). */
export interface ScheduleOpt {
  readonly kind: 'schedule';
  readonly periods: readonly { readonly start: Instant; readonly end: Instant }[];
  readonly marketContext?: string;
  readonly resourceIds?: readonly string[];
  /** oadrDeviceClass endDeviceAsset mrids. */
  readonly deviceClassMrids?: readonly string[];
}

/**
 * OPT-1/OPT-2: an opt with a qualifiedEventID is an event opt; without one it must carry a vavailability
 * with at least one available period, each of positive duration (else 454 INVALID_DATA).
 */
export function classifyCreateOpt(opt: OadrCreateOpt): EventOpt | ScheduleOpt {
  const resourceIds = opt.eiTarget.resourceID;
  if (opt.qualifiedEventID)
    return { kind: 'event', qualifiedEventID: opt.qualifiedEventID, ...(resourceIds && { resourceIds }) };
  const available = opt.vavailability ?? [];
  if (available.length === 0)
    throw new OadrDataError('an opt needs a qualifiedEventID or a vavailability with at least one available period');
  const periods = available.map((p, i) => {
    if (p.duration <= 0) throw new OadrDataError(`available period ${i} has no positive duration`);
    return { start: p.dtstart, end: p.dtstart + p.duration * 1000 };
  });
  const deviceClassMrids = opt.oadrDeviceClass?.endDeviceAsset;
  return {
    kind: 'schedule',
    periods,
    ...(opt.marketContext !== undefined && { marketContext: opt.marketContext }),
    ...(resourceIds && { resourceIds }),
    ...(deviceClassMrids && { deviceClassMrids }),
  };
}
