/** EV-4: which VENs an event version targets. */
import type { EventTargets } from './model';

/** What provisioning and METADATA reports say about a VEN (its registration being active is the caller's check). */
export interface VenAttributes {
  readonly venId: string;
  readonly groups?: readonly string[];
  readonly partyId?: string;
  /** Provisioned resources plus every resourceID of the VEN's METADATA reportDataSource/reportSubject. */
  readonly resources?: readonly string[];
  readonly reportOnly?: boolean;
}

const intersects = (a: readonly string[] | undefined, b: readonly string[] | undefined): boolean =>
  !!a && !!b && a.some((x) => b.includes(x));

export function targetsVen(targets: EventTargets, ven: VenAttributes): boolean {
  if (ven.reportOnly) return false;
  if (targets.all === true) return true;
  return (
    (targets.venIds?.includes(ven.venId) ?? false) ||
    intersects(targets.groupIds, ven.groups) ||
    (ven.partyId !== undefined && (targets.partyIds?.includes(ven.partyId) ?? false)) ||
    intersects(targets.resourceIds, ven.resources)
  );
}
