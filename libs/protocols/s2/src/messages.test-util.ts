/*
 * Schema-valid S2 messages with our own data, modelled on the S2 documentation's device examples (a heat pump
 * with a hot-water buffer for FRBC, a washing machine for PPBC, a PV inverter for PEBC, a CHP for OMBC and a
 * hybrid heat pump for DDBC). Every id is a UUID derived from a readable name, so strict mode stays quiet
 * unless a test wants it to speak. Control-type messages are grouped per family as on the wire:
 * `frbc.instruction(...)` builds an `FRBC.Instruction`.
 */
import { createHash } from 'node:crypto';
import type { ControlType } from './catalog';

export type Message = Record<string, unknown>;

/** A deterministic UUID for a readable name: the same name always gives the same id. */
export function uuid(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

let counter = 0;
/** A fresh message id. */
function nextId(): string {
  counter += 1;
  return uuid(`message-${counter}`);
}

const T0 = '2030-04-01T08:00:00Z';
const VERSION = '0.0.2-beta';

/** `versions` null: a Handshake without `supported_protocol_versions`. */
export const handshake = (role: 'RM' | 'CEM', versions: string[] | null = [VERSION], id = nextId()): Message => ({
  message_type: 'Handshake',
  message_id: id,
  role,
  ...(versions ? { supported_protocol_versions: versions } : {}),
});

export const handshakeResponse = (version = VERSION, id = nextId()): Message => ({
  message_type: 'HandshakeResponse',
  message_id: id,
  selected_protocol_version: version,
});

export const resourceManagerDetails = (
  controlTypes: ControlType[],
  measures: string[] = ['ELECTRIC.POWER.3_PHASE_SYMMETRIC'],
  id = nextId(),
): Message => ({
  message_type: 'ResourceManagerDetails',
  message_id: id,
  resource_id: uuid('resource'),
  name: 'flexgrid test device',
  roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
  manufacturer: 'flexgrid',
  instruction_processing_delay: 200,
  available_control_types: controlTypes,
  provides_forecast: true,
  provides_power_measurement_types: measures,
});

export const selectControlType = (controlType: ControlType, id = nextId()): Message => ({
  message_type: 'SelectControlType',
  message_id: id,
  control_type: controlType,
});

export const sessionRequest = (request: 'TERMINATE' | 'RECONNECT', id = nextId()): Message => ({
  message_type: 'SessionRequest',
  message_id: id,
  request,
});

export const receptionStatus = (subject: string, status = 'OK'): Message => ({
  message_type: 'ReceptionStatus',
  subject_message_id: subject,
  status,
});

export const powerMeasurement = (
  values: Array<[string, number]> = [['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 1200]],
  id = nextId(),
): Message => ({
  message_type: 'PowerMeasurement',
  message_id: id,
  measurement_timestamp: T0,
  values: values.map(([commodity_quantity, value]) => ({ commodity_quantity, value })),
});

export const powerForecast = (id = nextId()): Message => ({
  message_type: 'PowerForecast',
  message_id: id,
  start_time: T0,
  elements: [
    {
      duration: 900_000,
      power_values: [
        {
          commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
          value_expected: 1500,
          value_lower_limit: 0,
          value_upper_limit: 3000,
        },
      ],
    },
    {
      duration: 900_000,
      power_values: [{ commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC', value_expected: 800 }],
    },
  ],
});

export const instructionStatusUpdate = (instructionId: string, status: string, id = nextId()): Message => ({
  message_type: 'InstructionStatusUpdate',
  message_id: id,
  instruction_id: instructionId,
  status_type: status,
  timestamp: T0,
});

export const revokeObject = (objectType: string, objectId: string, id = nextId()): Message => ({
  message_type: 'RevokeObject',
  message_id: id,
  object_type: objectType,
  object_id: objectId,
});

// ---- Shapes shared by the control-type families -------------------------------------------------------------

const range = (start_of_range: number, end_of_range: number) => ({ start_of_range, end_of_range });
const electric = (start: number, end: number) => ({
  ...range(start, end),
  commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
});

/** Modes, timers and transitions of one actuator; mode and timer names become UUIDs. */
interface ActuatorSpec {
  id: string;
  modes: string[];
  timers?: string[];
}

/** One transition from the first mode to the second that starts every timer; none for a single mode. */
const transitions = (modes: readonly string[], timers: readonly string[] = []) => {
  const [from, to] = modes;
  if (from === undefined || to === undefined) return [];
  return [
    {
      id: uuid(`transition ${from}->${to}`),
      from: uuid(from),
      to: uuid(to),
      start_timers: timers.map(uuid),
      blocking_timers: [],
      transition_duration: 0,
      abnormal_condition_only: false,
    },
  ];
};

/** Containers of a profile: container name → power sequence names. */
type ProfileSpec = Record<string, string[]>;

interface ContainerStatusSpec {
  profile: string;
  container: string;
  sequence?: string;
  status: string;
}

export type PowerProfileInstructionType =
  'PPBC.ScheduleInstruction' | 'PPBC.StartInterruptionInstruction' | 'PPBC.EndInterruptionInstruction';

// ---- FRBC: a heat pump heating a hot-water buffer (fill level in °C) ------------------------------------------

export const frbc = {
  systemDescription: (actuators: ActuatorSpec[], id = nextId()): Message => ({
    message_type: 'FRBC.SystemDescription',
    message_id: id,
    valid_from: T0,
    actuators: actuators.map((actuator) => ({
      id: uuid(actuator.id),
      diagnostic_label: actuator.id,
      supported_commodities: ['ELECTRICITY'],
      operation_modes: actuator.modes.map((mode, i) => ({
        id: uuid(mode),
        diagnostic_label: mode,
        elements: [
          {
            fill_level_range: range(40, 60),
            fill_rate: range(0, i * 0.1),
            power_ranges: [electric(i * 1000, i * 2000)],
          },
        ],
        abnormal_condition_only: false,
      })),
      transitions: transitions(actuator.modes, actuator.timers),
      timers: (actuator.timers ?? []).map((timer) => ({ id: uuid(timer), diagnostic_label: timer, duration: 300_000 })),
    })),
    storage: {
      fill_level_label: '°C',
      provides_leakage_behaviour: true,
      provides_fill_level_target_profile: true,
      provides_usage_forecast: true,
      fill_level_range: range(40, 60),
    },
  }),
  actuatorStatus: (actuator: string, mode: string, previous?: string, id = nextId()): Message => ({
    message_type: 'FRBC.ActuatorStatus',
    message_id: id,
    actuator_id: uuid(actuator),
    active_operation_mode_id: uuid(mode),
    operation_mode_factor: 0.5,
    ...(previous ? { previous_operation_mode_id: uuid(previous), transition_timestamp: T0 } : {}),
  }),
  storageStatus: (fillLevel = 52.5, id = nextId()): Message => ({
    message_type: 'FRBC.StorageStatus',
    message_id: id,
    present_fill_level: fillLevel,
  }),
  leakageBehaviour: (id = nextId()): Message => ({
    message_type: 'FRBC.LeakageBehaviour',
    message_id: id,
    valid_from: T0,
    elements: [{ fill_level_range: range(40, 60), leakage_rate: 0.0002 }],
  }),
  usageForecast: (id = nextId()): Message => ({
    message_type: 'FRBC.UsageForecast',
    message_id: id,
    start_time: T0,
    elements: [{ duration: 3_600_000, usage_rate_expected: 0.001, usage_rate_upper_95PPR: 0.003 }],
  }),
  fillLevelTargetProfile: (id = nextId()): Message => ({
    message_type: 'FRBC.FillLevelTargetProfile',
    message_id: id,
    start_time: T0,
    elements: [{ duration: 7_200_000, fill_level_range: range(50, 60) }],
  }),
  timerStatus: (actuator: string, timer: string, id = nextId()): Message => ({
    message_type: 'FRBC.TimerStatus',
    message_id: id,
    timer_id: uuid(timer),
    actuator_id: uuid(actuator),
    finished_at: '2030-04-01T08:05:00Z',
  }),
  instruction: (instruction: string, actuator: string, mode: string, id = nextId()): Message => ({
    message_type: 'FRBC.Instruction',
    message_id: id,
    id: uuid(instruction),
    actuator_id: uuid(actuator),
    operation_mode: uuid(mode),
    operation_mode_factor: 1,
    execution_time: '2030-04-01T08:15:00Z',
    abnormal_condition: false,
  }),
};

// ---- OMBC: a combined heat and power unit --------------------------------------------------------------------

export const ombc = {
  systemDescription: (modes: string[], timers: string[] = [], id = nextId()): Message => ({
    message_type: 'OMBC.SystemDescription',
    message_id: id,
    valid_from: T0,
    operation_modes: modes.map((mode, i) => ({
      id: uuid(mode),
      diagnostic_label: mode,
      power_ranges: [electric(-3000 * i, -1000 * i)],
      running_costs: range(0, 0.2 * i),
      abnormal_condition_only: false,
    })),
    transitions: transitions(modes, timers),
    timers: timers.map((timer) => ({ id: uuid(timer), duration: 600_000 })),
  }),
  status: (mode: string, previous?: string, id = nextId()): Message => ({
    message_type: 'OMBC.Status',
    message_id: id,
    active_operation_mode_id: uuid(mode),
    operation_mode_factor: 1,
    ...(previous ? { previous_operation_mode_id: uuid(previous), transition_timestamp: T0 } : {}),
  }),
  timerStatus: (timer: string, id = nextId()): Message => ({
    message_type: 'OMBC.TimerStatus',
    message_id: id,
    timer_id: uuid(timer),
    finished_at: '2030-04-01T08:10:00Z',
  }),
  instruction: (instruction: string, mode: string, id = nextId()): Message => ({
    message_type: 'OMBC.Instruction',
    message_id: id,
    id: uuid(instruction),
    execution_time: '2030-04-01T08:15:00Z',
    operation_mode_id: uuid(mode),
    operation_mode_factor: 0.8,
    abnormal_condition: false,
  }),
};

// ---- DDBC: a hybrid heat pump serving a heat demand with a heat pump or a gas boiler ---------------------------

export const ddbc = {
  systemDescription: (actuators: ActuatorSpec[], id = nextId()): Message => ({
    message_type: 'DDBC.SystemDescription',
    message_id: id,
    valid_from: T0,
    actuators: actuators.map((actuator) => ({
      id: uuid(actuator.id),
      diagnostic_label: actuator.id,
      supported_commodites: ['ELECTRICITY', 'GAS'],
      operation_modes: actuator.modes.map((mode, i) => ({
        Id: uuid(mode),
        diagnostic_label: mode,
        power_ranges: [electric(0, 1500 * i)],
        supply_range: range(0, 4 * i),
        abnormal_condition_only: false,
      })),
      transitions: transitions(actuator.modes, actuator.timers),
      timers: (actuator.timers ?? []).map((timer) => ({ id: uuid(timer), duration: 120_000 })),
    })),
    present_demand_rate: range(2, 3),
    provides_average_demand_rate_forecast: true,
  }),
  actuatorStatus: (actuator: string, mode: string, previous?: string, id = nextId()): Message => ({
    message_type: 'DDBC.ActuatorStatus',
    message_id: id,
    actuator_id: uuid(actuator),
    active_operation_mode_id: uuid(mode),
    operation_mode_factor: 0.6,
    ...(previous ? { previous_operation_mode_id: uuid(previous), transition_timestamp: T0 } : {}),
  }),
  averageDemandRateForecast: (id = nextId()): Message => ({
    message_type: 'DDBC.AverageDemandRateForecast',
    message_id: id,
    start_time: T0,
    elements: [
      { duration: 3_600_000, demand_rate_expected: 2.5, demand_rate_lower_68PPR: 2, demand_rate_upper_68PPR: 3 },
    ],
  }),
  timerStatus: (actuator: string, timer: string, id = nextId()): Message => ({
    message_type: 'DDBC.TimerStatus',
    message_id: id,
    timer_id: uuid(timer),
    actuator_id: uuid(actuator),
    finished_at: '2030-04-01T08:02:00Z',
  }),
  instruction: (instruction: string, actuator: string, mode: string, id = nextId()): Message => ({
    message_type: 'DDBC.Instruction',
    message_id: id,
    id: uuid(instruction),
    execution_time: '2030-04-01T08:15:00Z',
    abnormal_condition: false,
    actuator_id: uuid(actuator),
    operation_mode_id: uuid(mode),
    operation_mode_factor: 0.5,
  }),
};

// ---- PPBC: a washing machine with a prewash and a main wash -----------------------------------------------------

export const ppbc = {
  powerProfileDefinition: (profile: string, containers: ProfileSpec, id = nextId()): Message => ({
    message_type: 'PPBC.PowerProfileDefinition',
    message_id: id,
    id: uuid(profile),
    start_time: T0,
    end_time: '2030-04-01T20:00:00Z',
    power_sequences_containers: Object.entries(containers).map(([container, sequences]) => ({
      id: uuid(container),
      power_sequences: sequences.map((sequence, i) => ({
        id: uuid(sequence),
        elements: [
          {
            duration: 600_000,
            power_values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value_expected: 2000 + 100 * i }],
          },
          { duration: 1_800_000, power_values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value_expected: 200 }] },
        ],
        is_interruptible: i === 0,
        max_pause_before: 3_600_000,
        abnormal_condition_only: false,
      })),
    })),
  }),
  powerProfileStatus: (entries: ContainerStatusSpec[], id = nextId()): Message => ({
    message_type: 'PPBC.PowerProfileStatus',
    message_id: id,
    sequence_container_status: entries.map((entry) => ({
      power_profile_id: uuid(entry.profile),
      sequence_container_id: uuid(entry.container),
      ...(entry.sequence ? { selected_sequence_id: uuid(entry.sequence), progress: 0 } : {}),
      status: entry.status,
    })),
  }),
  instruction: (
    type: PowerProfileInstructionType,
    instruction: string,
    reference: { profile: string; container: string; sequence: string },
    id = nextId(),
  ): Message => ({
    message_type: type,
    message_id: id,
    id: uuid(instruction),
    power_profile_id: uuid(reference.profile),
    sequence_container_id: uuid(reference.container),
    power_sequence_id: uuid(reference.sequence),
    execution_time: '2030-04-01T09:00:00Z',
    abnormal_condition: false,
  }),
};

// ---- PEBC: a PV inverter that can be curtailed (production is negative power) --------------------------------

export const pebc = {
  powerConstraints: (constraints: string, id = nextId()): Message => ({
    message_type: 'PEBC.PowerConstraints',
    message_id: id,
    id: uuid(constraints),
    valid_from: T0,
    valid_until: '2030-04-02T08:00:00Z',
    consequence_type: 'VANISH',
    allowed_limit_ranges: [
      {
        commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
        limit_type: 'UPPER_LIMIT',
        range_boundary: range(0, 0),
        abnormal_condition_only: false,
      },
      {
        commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
        limit_type: 'LOWER_LIMIT',
        range_boundary: range(-4000, 0),
        abnormal_condition_only: false,
      },
    ],
  }),
  energyConstraint: (constraint: string, id = nextId()): Message => ({
    message_type: 'PEBC.EnergyConstraint',
    message_id: id,
    id: uuid(constraint),
    valid_from: T0,
    valid_until: '2030-04-01T20:00:00Z',
    upper_average_power: 0,
    lower_average_power: -2500,
    commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
  }),
  instruction: (instruction: string, constraints: string, id = nextId()): Message => ({
    message_type: 'PEBC.Instruction',
    message_id: id,
    id: uuid(instruction),
    execution_time: '2030-04-01T12:00:00Z',
    abnormal_condition: false,
    power_constraints_id: uuid(constraints),
    power_envelopes: [
      {
        id: uuid(`${instruction} envelope`),
        commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC',
        power_envelope_elements: [
          { duration: 3_600_000, upper_limit: 0, lower_limit: -2500 },
          { duration: 3_600_000, upper_limit: 0, lower_limit: -4000 },
        ],
      },
    ],
  }),
};
