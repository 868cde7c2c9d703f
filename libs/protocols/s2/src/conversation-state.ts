import type { ControlType, Side } from './catalog';
import type { ControlTypeChange } from './control-type';
import type { AppliedMessage, IdentifiedMessage } from './families';
import type { Summary } from './finding';
import type { InstructionView } from './instructions';
import type { S2Message } from './messages';
import type { PendingReceptionStatus } from './reception-status';

/*
 * The readable state of RULES.md §8: a JSON-serialisable snapshot that only applied messages change. It is
 * the `state` of the `s2.session.ended` record in libs/contracts. Messages in it are the parsed frames
 * themselves, not copies: treat the snapshot as read-only.
 */

export type Phase = 'handshake' | 'connected' | 'controlled' | 'terminated' | 'ended';

/** One side's applied Handshake. */
export interface HandshakeView {
  seq: number;
  role: Side;
  /** null when the Handshake had no list. */
  supportedProtocolVersions: string[] | null;
}

export interface ConversationState {
  phase: Phase;
  handshake: {
    rm: HandshakeView | null;
    cem: HandshakeView | null;
    response: { seq: number; selectedProtocolVersion: string } | null;
  };
  selectedProtocolVersion: string | null;
  resourceManagerDetails: { seq: number; message: S2Message } | null;
  activeControlType: ControlType;
  controlTypeHistory: ControlTypeChange[];
  /** The latest FRBC/OMBC/DDBC SystemDescription of the active family. */
  systemDescription: AppliedMessage | null;
  /** PPBC: every PowerProfileDefinition by id. */
  powerProfiles: Record<string, IdentifiedMessage>;
  /** PEBC: PowerConstraints by id. */
  powerConstraints: Record<string, IdentifiedMessage>;
  /** PEBC: EnergyConstraint by id. */
  energyConstraints: Record<string, IdentifiedMessage>;
  /** Latest status per key: `actuator:<id>`, `storage`, `device`, `timer:[<actuator_id>/]<timer_id>`, `container:<profile>/<container>`. */
  statuses: Record<string, AppliedMessage>;
  /** Latest LeakageBehaviour, UsageForecast, FillLevelTargetProfile, AverageDemandRateForecast and PowerForecast, by type. */
  forecasts: Record<string, AppliedMessage>;
  lastPowerMeasurement: { seq: number; t: number; message: S2Message } | null;
  instructions: Record<string, InstructionView>;
  /** Instruction ids whose status is not REJECTED, REVOKED, SUCCEEDED or ABORTED. */
  openInstructions: string[];
  /** Unanswered tracked messages in seq order; empty after `end()`. */
  pendingReceptionStatus: PendingReceptionStatus[];
  terminated: { seq: number; side: Side; request: 'RECONNECT' | 'TERMINATE' } | null;
  summary: Summary;
}
