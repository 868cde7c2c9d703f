import type { ControlType } from './catalog';
import type { ControlFamily } from './families';

/** One applied SelectControlType as `controlTypeHistory` shows it (§8). */
export interface ControlTypeChange {
  seq: number;
  from: ControlType;
  to: ControlType;
  /** Seq of the non-OK ReceptionStatus that undid it (§7 P4). */
  undoneAtSeq?: number;
}

/** What an applied SelectControlType replaced, so that a refusal can put it back (§5.3 step 6, §7 P4). */
export interface ControlTypeSwitch {
  previous: ControlType;
  /** The registries and statuses the switch cleared; the same object when the type did not change. */
  previousFamily: ControlFamily | null;
  change: ControlTypeChange;
}
