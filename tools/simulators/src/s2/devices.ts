import { randomUUID } from 'node:crypto';
import type { ControlType, S2Message } from '@flexgrid/protocol-s2';

/*
 * The simulated devices behind an S2 RM: a home battery (FRBC: the fill level is the state of charge), a washing
 * machine (PPBC: a power profile the CEM schedules) and a PV inverter that cannot be controlled (NOT_CONTROLABLE:
 * measurements and forecasts only). Each describes itself, reports its status and gives its power at a moment.
 */

export type DeviceKind = 'battery' | 'appliance' | 'pv';
export const DEVICE_KINDS: readonly DeviceKind[] = ['battery', 'appliance', 'pv'];

const QUANTITY = 'ELECTRIC.POWER.3_PHASE_SYMMETRIC';
const range = (start_of_range: number, end_of_range: number) => ({ start_of_range, end_of_range });
const iso = (ms: number) => new Date(ms).toISOString();

export interface Device {
  kind: DeviceKind;
  controlType: ControlType;
  /** ResourceManagerDetails without the envelope. */
  details(): Omit<S2Message, 'message_type' | 'message_id'>;
  /** The family messages sent once the control type is active (system description, first statuses). */
  describe(now: number): S2Message[];
  /** Status messages sent with each measurement. */
  status(now: number): S2Message[];
  /** Active power in W at `now` (production negative). */
  powerW(now: number): number;
  /** The CEM's instruction: what the device makes of it, and the status updates to report. */
  instruct(message: S2Message): void;
}

function details(controlTypes: ControlType[], role: string, name: string) {
  return {
    resource_id: randomUUID(),
    name,
    manufacturer: 'flexgrid simulators',
    roles: [{ role, commodity: 'ELECTRICITY' }],
    instruction_processing_delay: 100,
    available_control_types: controlTypes,
    provides_forecast: true,
    provides_power_measurement_types: [QUANTITY],
  };
}

/** A 10 kWh battery: idle, charging at 3 kW or discharging at 3 kW, as the CEM instructs. */
export function battery(): Device {
  const actuator = randomUUID();
  const modes = { idle: randomUUID(), charge: randomUUID(), discharge: randomUUID() };
  let mode: keyof typeof modes = 'idle';
  let previous: keyof typeof modes | undefined;
  let soc = 50; // %
  let last = Date.now();
  const advance = (now: number) => {
    const hours = (now - last) / 3_600_000;
    last = now;
    soc = Math.min(95, Math.max(5, soc + (mode === 'charge' ? 30 : mode === 'discharge' ? -30 : 0) * hours));
  };
  const operationMode = (id: string, power: number, rate: number) => ({
    id,
    elements: [
      {
        fill_level_range: range(0, 100),
        fill_rate: range(rate, rate),
        power_ranges: [{ ...range(power, power), commodity_quantity: QUANTITY }],
      },
    ],
    abnormal_condition_only: false,
  });
  return {
    kind: 'battery',
    controlType: 'FILL_RATE_BASED_CONTROL',
    details: () => details(['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE'], 'ENERGY_STORAGE', 'home battery'),
    describe: (now) => [
      {
        message_type: 'FRBC.SystemDescription',
        message_id: randomUUID(),
        valid_from: iso(now),
        actuators: [
          {
            id: actuator,
            diagnostic_label: 'inverter',
            supported_commodities: ['ELECTRICITY'],
            operation_modes: [
              operationMode(modes.idle, 0, 0),
              operationMode(modes.charge, 3000, 0.0083),
              operationMode(modes.discharge, -3000, -0.0083),
            ],
            transitions: [],
            timers: [],
          },
        ],
        storage: {
          fill_level_label: '%',
          provides_leakage_behaviour: false,
          provides_fill_level_target_profile: false,
          provides_usage_forecast: false,
          fill_level_range: range(0, 100),
        },
      },
    ],
    status: (now) => {
      advance(now);
      return [
        {
          message_type: 'FRBC.ActuatorStatus',
          message_id: randomUUID(),
          actuator_id: actuator,
          active_operation_mode_id: modes[mode],
          operation_mode_factor: 1,
          ...(previous ? { previous_operation_mode_id: modes[previous], transition_timestamp: iso(now) } : {}),
        },
        { message_type: 'FRBC.StorageStatus', message_id: randomUUID(), present_fill_level: Math.round(soc * 10) / 10 },
      ];
    },
    powerW: (now) => {
      advance(now);
      return mode === 'charge' ? 3000 : mode === 'discharge' ? -3000 : 0;
    },
    instruct: (message) => {
      const next = (Object.keys(modes) as Array<keyof typeof modes>).find(
        (key) => modes[key] === message['operation_mode'],
      );
      if (next && next !== mode) {
        previous = mode;
        mode = next;
      }
    },
  };
}

/** A washing machine with one profile: a heating phase, then washing, each of two choices. */
export function appliance(): Device {
  const profile = randomUUID();
  const containers = { heat: randomUUID(), wash: randomUUID() };
  const sequences = {
    heatEco: randomUUID(),
    heatFast: randomUUID(),
    washNormal: randomUUID(),
    washShort: randomUUID(),
  };
  let running: string | undefined;
  const sequence = (id: string, watts: number) => ({
    id,
    elements: [{ duration: 900_000, power_values: [{ commodity_quantity: QUANTITY, value_expected: watts }] }],
    is_interruptible: false,
    max_pause_before: 3_600_000,
    abnormal_condition_only: false,
  });
  return {
    kind: 'appliance',
    controlType: 'POWER_PROFILE_BASED_CONTROL',
    details: () => details(['POWER_PROFILE_BASED_CONTROL', 'NOT_CONTROLABLE'], 'ENERGY_CONSUMER', 'washing machine'),
    describe: (now) => [
      {
        message_type: 'PPBC.PowerProfileDefinition',
        message_id: randomUUID(),
        id: profile,
        start_time: iso(now),
        end_time: iso(now + 12 * 3_600_000),
        power_sequences_containers: [
          {
            id: containers.heat,
            power_sequences: [sequence(sequences.heatEco, 1200), sequence(sequences.heatFast, 2000)],
          },
          {
            id: containers.wash,
            power_sequences: [sequence(sequences.washNormal, 400), sequence(sequences.washShort, 600)],
          },
        ],
      },
    ],
    status: () => [
      {
        message_type: 'PPBC.PowerProfileStatus',
        message_id: randomUUID(),
        sequence_container_status: [
          running
            ? {
                power_profile_id: profile,
                sequence_container_id: containers.heat,
                selected_sequence_id: running,
                progress: 0,
                status: 'EXECUTING',
              }
            : { power_profile_id: profile, sequence_container_id: containers.heat, status: 'NOT_SCHEDULED' },
        ],
      },
    ],
    powerW: () => (running === sequences.heatFast ? 2000 : running === sequences.heatEco ? 1200 : 5),
    instruct: (message) => {
      if (message['message_type'] === 'PPBC.ScheduleInstruction') running = message['power_sequence_id'] as string;
    },
  };
}

/** A 4 kWp PV inverter following a sine-shaped day; it cannot be controlled. */
export function pv(): Device {
  return {
    kind: 'pv',
    controlType: 'NOT_CONTROLABLE',
    details: () => details(['NOT_CONTROLABLE'], 'ENERGY_PRODUCER', 'PV inverter'),
    describe: () => [],
    status: () => [],
    powerW: (now) => {
      const hour = (now / 3_600_000) % 24;
      return -Math.round(Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI)) * 4000);
    },
    instruct: () => undefined,
  };
}

export function createDevice(kind: DeviceKind): Device {
  return kind === 'battery' ? battery() : kind === 'appliance' ? appliance() : pv();
}

/** A forecast of the device's power for the next hour, in 15-minute steps. */
export function powerForecast(device: Device, now: number): S2Message {
  return {
    message_type: 'PowerForecast',
    message_id: randomUUID(),
    start_time: iso(now),
    elements: [0, 1, 2, 3].map((i) => ({
      duration: 900_000,
      power_values: [{ commodity_quantity: QUANTITY, value_expected: device.powerW(now + i * 900_000) }],
    })),
  };
}

export function powerMeasurement(device: Device, now: number): S2Message {
  return {
    message_type: 'PowerMeasurement',
    message_id: randomUUID(),
    measurement_timestamp: iso(now),
    values: [{ commodity_quantity: QUANTITY, value: device.powerW(now) }],
  };
}
