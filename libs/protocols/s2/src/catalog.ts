/*
 * The S2 message catalog of RULES.md §2.3 and the control types of §2.4: who may send what, and which
 * family a control type activates. The sender lists are the AsyncAPI `publish` lists (26 types for the RM,
 * 13 for the CEM, 4 of them in both); S2-DIRECTION uses exactly these.
 */

/** The two ends of an S2 session. */
export type Side = 'RM' | 'CEM';

/** Who sent a frame: `rm->cem` is sent by the RM, `cem->rm` by the CEM. */
export type Direction = 'rm->cem' | 'cem->rm';

/** The sender of a frame, or undefined for anything but the two directions. */
export function senderOf(direction: unknown): Side | undefined {
  return direction === 'rm->cem' ? 'RM' : direction === 'cem->rm' ? 'CEM' : undefined;
}

export function otherSide(side: Side): Side {
  return side === 'RM' ? 'CEM' : 'RM';
}

const SENT_BY_BOTH = ['Handshake', 'ReceptionStatus', 'RevokeObject', 'SessionRequest'] as const;

const SENT_BY_RM_ONLY = [
  'ResourceManagerDetails',
  'PowerMeasurement',
  'PowerForecast',
  'InstructionStatusUpdate',
  'FRBC.SystemDescription',
  'FRBC.ActuatorStatus',
  'FRBC.StorageStatus',
  'FRBC.LeakageBehaviour',
  'FRBC.UsageForecast',
  'FRBC.FillLevelTargetProfile',
  'FRBC.TimerStatus',
  'PPBC.PowerProfileDefinition',
  'PPBC.PowerProfileStatus',
  'PEBC.PowerConstraints',
  'PEBC.EnergyConstraint',
  'OMBC.SystemDescription',
  'OMBC.Status',
  'OMBC.TimerStatus',
  'DDBC.SystemDescription',
  'DDBC.ActuatorStatus',
  'DDBC.AverageDemandRateForecast',
  'DDBC.TimerStatus',
] as const;

const SENT_BY_CEM_ONLY = [
  'HandshakeResponse',
  'SelectControlType',
  'FRBC.Instruction',
  'PPBC.ScheduleInstruction',
  'PPBC.StartInterruptionInstruction',
  'PPBC.EndInterruptionInstruction',
  'PEBC.Instruction',
  'OMBC.Instruction',
  'DDBC.Instruction',
] as const;

/** The 35 S2 message types, one per message schema. */
export const MESSAGE_TYPES = [...SENT_BY_BOTH, ...SENT_BY_RM_ONLY, ...SENT_BY_CEM_ONLY] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

const SENDABLE: Readonly<Record<Side, ReadonlySet<string>>> = {
  RM: new Set<string>([...SENT_BY_BOTH, ...SENT_BY_RM_ONLY]),
  CEM: new Set<string>([...SENT_BY_BOTH, ...SENT_BY_CEM_ONLY]),
};

/** May `side` send messages of `type` (§2.3)? */
export function maySend(side: Side, type: MessageType): boolean {
  return SENDABLE[side].has(type);
}

/** Values of the S2 `ControlType` enum, spelled as on the wire (`NOT_CONTROLABLE` has one L). */
export type ControlType =
  | 'FILL_RATE_BASED_CONTROL'
  | 'POWER_PROFILE_BASED_CONTROL'
  | 'POWER_ENVELOPE_BASED_CONTROL'
  | 'OPERATION_MODE_BASED_CONTROL'
  | 'DEMAND_DRIVEN_BASED_CONTROL'
  | 'NOT_CONTROLABLE'
  | 'NO_SELECTION';

/** Prefix of the control-type messages of one controllable type. */
export type Family = 'FRBC' | 'PPBC' | 'PEBC' | 'OMBC' | 'DDBC';

/** The family a control type activates; null for the two types that control nothing (§2.4). */
export const FAMILY_OF_CONTROL_TYPE: Readonly<Record<ControlType, Family | null>> = {
  FILL_RATE_BASED_CONTROL: 'FRBC',
  POWER_PROFILE_BASED_CONTROL: 'PPBC',
  POWER_ENVELOPE_BASED_CONTROL: 'PEBC',
  OPERATION_MODE_BASED_CONTROL: 'OMBC',
  DEMAND_DRIVEN_BASED_CONTROL: 'DDBC',
  NOT_CONTROLABLE: null,
  NO_SELECTION: null,
};

const FAMILIES: ReadonlySet<string> = new Set<Family>(['FRBC', 'PPBC', 'PEBC', 'OMBC', 'DDBC']);

/** The family of a control-type message (`FRBC.Instruction` → `FRBC`), null for common messages. */
export function familyOf(type: MessageType): Family | null {
  const dot = type.indexOf('.');
  const prefix = dot < 0 ? '' : type.slice(0, dot);
  return FAMILIES.has(prefix) ? (prefix as Family) : null;
}

/** The instruction types of §2.9; their `id` is registered in `instructions`. */
export const INSTRUCTION_TYPES: ReadonlySet<string> = new Set<MessageType>([
  'FRBC.Instruction',
  'PEBC.Instruction',
  'OMBC.Instruction',
  'DDBC.Instruction',
  'PPBC.ScheduleInstruction',
  'PPBC.StartInterruptionInstruction',
  'PPBC.EndInterruptionInstruction',
]);

/** Types whose latest copy is kept under `forecasts` across control-type switches (§8). */
export const FORECAST_TYPES: ReadonlySet<string> = new Set<MessageType>([
  'FRBC.LeakageBehaviour',
  'FRBC.UsageForecast',
  'FRBC.FillLevelTargetProfile',
  'DDBC.AverageDemandRateForecast',
  'PowerForecast',
]);

/** `ReceptionStatusValues` (§2.5). */
export const RECEPTION_STATUS_VALUES: ReadonlySet<string> = new Set([
  'INVALID_DATA',
  'INVALID_MESSAGE',
  'INVALID_CONTENT',
  'TEMPORARY_ERROR',
  'PERMANENT_ERROR',
  'OK',
]);

/** The subject of the legal answer to a frame without a usable `message_id` (§2.5). */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The S2 `ID` pattern as the schema applies it: unanchored, so two allowed characters in a row suffice (§2.2). */
const ID_PATTERN = /[a-zA-Z0-9\-_:]{2,64}/u;

/** Is `id` a usable `message_id` (§2.5), the condition for tracking a message? */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/**
 * `RevokableObjects` (§2.9) and the member that identifies each object: its `id`, or the `message_id` for
 * SystemDescriptions, which have no `id`.
 */
export const REVOCABLE_OBJECTS: ReadonlyMap<string, 'id' | 'message_id'> = new Map<MessageType, 'id' | 'message_id'>([
  ['PEBC.PowerConstraints', 'id'],
  ['PEBC.EnergyConstraint', 'id'],
  ['PEBC.Instruction', 'id'],
  ['PPBC.PowerProfileDefinition', 'id'],
  ['PPBC.ScheduleInstruction', 'id'],
  ['PPBC.StartInterruptionInstruction', 'id'],
  ['PPBC.EndInterruptionInstruction', 'id'],
  ['OMBC.SystemDescription', 'message_id'],
  ['OMBC.Instruction', 'id'],
  ['FRBC.SystemDescription', 'message_id'],
  ['FRBC.Instruction', 'id'],
  ['DDBC.SystemDescription', 'message_id'],
  ['DDBC.Instruction', 'id'],
]);
