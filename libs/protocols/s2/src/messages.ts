import type { ControlType, Side } from './catalog';

/*
 * The members the rules read (RULES.md §2.3, "fields read by the rules"). A message is only read through
 * these shapes after it passed its schema, so the shapes hold; every other member stays opaque.
 */

/** An S2 message as parsed from the wire: a JSON object. */
export type S2Message = Readonly<Record<string, unknown>>;

export interface HandshakeMessage {
  message_id: string;
  role: Side;
  supported_protocol_versions?: string[];
}

export interface HandshakeResponseMessage {
  message_id: string;
  selected_protocol_version: string;
}

export interface ResourceManagerDetailsMessage {
  message_id: string;
  available_control_types: ControlType[];
  provides_power_measurement_types: string[];
}

export interface SelectControlTypeMessage {
  message_id: string;
  control_type: ControlType;
}

export interface SessionRequestMessage {
  message_id: string;
  request: 'RECONNECT' | 'TERMINATE';
}

export interface PowerMeasurementMessage {
  message_id: string;
  values: Array<{ commodity_quantity: string; value: number }>;
}

export interface InstructionStatusUpdateMessage {
  message_id: string;
  instruction_id: string;
  status_type: InstructionStatus;
}

export type InstructionStatus = 'NEW' | 'ACCEPTED' | 'REJECTED' | 'REVOKED' | 'STARTED' | 'SUCCEEDED' | 'ABORTED';

export interface RevokeObjectMessage {
  message_id: string;
  object_type: string;
  object_id: string;
}

/** The `id` every instruction, PEBC constraint and PPBC profile definition carries. */
export interface IdentifiedObject {
  message_id: string;
  id: string;
}

interface IdOnly {
  id: string;
}

/** FRBC/DDBC actuator description; DDBC spells the operation mode id `Id` (sic). */
export interface ActuatorDescription {
  id: string;
  operation_modes: Array<{ id?: string; Id?: string }>;
  timers: IdOnly[];
}

export interface ActuatorSystemDescriptionMessage {
  message_id: string;
  actuators: ActuatorDescription[];
}

export interface OmbcSystemDescriptionMessage {
  message_id: string;
  operation_modes: IdOnly[];
  timers: IdOnly[];
}

/** FRBC/DDBC/OMBC TimerStatus (OMBC has no `actuator_id`). */
export interface TimerStatusMessage {
  actuator_id?: string;
  timer_id: string;
}

export interface PowerProfileDefinitionMessage {
  id: string;
  power_sequences_containers: Array<{ id: string; power_sequences: IdOnly[] }>;
}

export interface PowerProfileStatusMessage {
  sequence_container_status: Array<{
    power_profile_id: string;
    sequence_container_id: string;
    selected_sequence_id?: string;
  }>;
}

export interface PowerProfileInstructionMessage {
  power_profile_id: string;
  sequence_container_id: string;
  power_sequence_id: string;
}

export interface PebcInstructionMessage {
  power_constraints_id: string;
}

/** Read a schema-valid message through the shape of the members its rules use. */
export function read<T>(message: S2Message): T {
  return message as unknown as T;
}
