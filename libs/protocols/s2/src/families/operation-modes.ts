import type { MessageType } from '../catalog';
import { quote } from '../finding';
import {
  type ActuatorDescription,
  type ActuatorSystemDescriptionMessage,
  type OmbcSystemDescriptionMessage,
  read,
  type S2Message,
  type TimerStatusMessage,
} from '../messages';
import {
  type AppliedMessage,
  BadReferences,
  byId,
  type ControlFamily,
  type FamilyView,
  precondition,
  type SemanticProblem,
} from './control-family';

/*
 * FRBC, OMBC and DDBC (RULES.md §6): the latest SystemDescription defines operation modes and timers, per
 * actuator for FRBC and DDBC, for the one device for OMBC (ours). Statuses and instructions must name them.
 */

interface OperationModes {
  modes: ReadonlySet<string>;
  timers: ReadonlySet<string>;
}

/** OMBC describes one device, not actuators: its modes sit under this key. */
const DEVICE = '';

interface OperationModeModel {
  family: 'FRBC' | 'OMBC' | 'DDBC';
  systemDescription: MessageType;
  /** Operation modes and timers per actuator id, read from a SystemDescription. */
  actuators(systemDescription: S2Message): Map<string, OperationModes>;
  instruction: MessageType;
  /** The member of the instruction naming the operation mode. */
  instructionMode: 'operation_mode' | 'operation_mode_id';
  modeStatus: MessageType;
  timerStatus: MessageType;
  storageStatus?: MessageType;
}

function actuatorModes(modeId: 'id' | 'Id'): (systemDescription: S2Message) => Map<string, OperationModes> {
  return (systemDescription) =>
    new Map(
      read<ActuatorSystemDescriptionMessage>(systemDescription).actuators.map((actuator: ActuatorDescription) => [
        actuator.id,
        {
          modes: new Set(actuator.operation_modes.map((mode) => mode[modeId] as string)),
          timers: new Set(actuator.timers.map((timer) => timer.id)),
        },
      ]),
    );
}

export const FRBC: OperationModeModel = {
  family: 'FRBC',
  systemDescription: 'FRBC.SystemDescription',
  actuators: actuatorModes('id'),
  instruction: 'FRBC.Instruction',
  instructionMode: 'operation_mode',
  modeStatus: 'FRBC.ActuatorStatus',
  timerStatus: 'FRBC.TimerStatus',
  storageStatus: 'FRBC.StorageStatus',
};

export const DDBC: OperationModeModel = {
  family: 'DDBC',
  systemDescription: 'DDBC.SystemDescription',
  actuators: actuatorModes('Id'),
  instruction: 'DDBC.Instruction',
  instructionMode: 'operation_mode_id',
  modeStatus: 'DDBC.ActuatorStatus',
  timerStatus: 'DDBC.TimerStatus',
};

export const OMBC: OperationModeModel = {
  family: 'OMBC',
  systemDescription: 'OMBC.SystemDescription',
  actuators: (systemDescription) => {
    const device = read<OmbcSystemDescriptionMessage>(systemDescription);
    return new Map([
      [
        DEVICE,
        {
          modes: new Set(device.operation_modes.map((mode) => mode.id)),
          timers: new Set(device.timers.map((timer) => timer.id)),
        },
      ],
    ]);
  },
  instruction: 'OMBC.Instruction',
  instructionMode: 'operation_mode_id',
  modeStatus: 'OMBC.Status',
  timerStatus: 'OMBC.TimerStatus',
};

export class OperationModeFamily implements ControlFamily {
  readonly family: OperationModeModel['family'];
  private actuators: Map<string, OperationModes> | null = null;
  private systemDescription: AppliedMessage | null = null;
  private readonly statuses = new Map<string, AppliedMessage>();

  constructor(private readonly model: OperationModeModel) {
    this.family = model.family;
  }

  private get hasActuators(): boolean {
    return this.model.family !== 'OMBC';
  }

  apply(type: MessageType, message: S2Message, seq: number): SemanticProblem | undefined {
    const model = this.model;
    if (type === model.systemDescription) {
      this.actuators = model.actuators(message);
      this.systemDescription = { seq, messageType: type, message };
      return undefined;
    }
    const key = this.statusKey(type, message);
    if (key !== undefined) this.statuses.set(key, { seq, messageType: type, message });
    if (this.actuators === null) {
      if (type !== model.instruction) return precondition(type, model.systemDescription);
      const member = this.hasActuators ? 'actuator_id' : model.instructionMode;
      const detail = `${type} names ${member} ${quote(message[member])} before any ${model.systemDescription}`;
      return { rule: 'S2-SEM-REF', detail, path: `/${member}` };
    }
    if (type === model.instruction) return this.checkModes(this.actuators, message, [model.instructionMode]);
    if (type === model.modeStatus)
      return this.checkModes(this.actuators, message, ['active_operation_mode_id', 'previous_operation_mode_id']);
    if (type === model.timerStatus) return this.checkTimer(this.actuators, message);
    return undefined;
  }

  view(): FamilyView {
    return {
      systemDescription: this.systemDescription,
      powerProfiles: {},
      powerConstraints: {},
      energyConstraints: {},
      statuses: byId(this.statuses),
    };
  }

  /** §8 keys: `actuator:<id>` or `device`, `timer:[<actuator_id>/]<timer_id>`, `storage`. */
  private statusKey(type: MessageType, message: S2Message): string | undefined {
    const model = this.model;
    if (type === model.modeStatus) return this.hasActuators ? `actuator:${String(message['actuator_id'])}` : 'device';
    if (type === model.timerStatus) {
      const timer = read<TimerStatusMessage>(message);
      return this.hasActuators ? `timer:${String(timer.actuator_id)}/${timer.timer_id}` : `timer:${timer.timer_id}`;
    }
    if (type === model.storageStatus) return 'storage';
    return undefined;
  }

  /** The modes and timers the message's actuator has; an unknown `actuator_id` is a bad reference. */
  private actuatorOf(
    actuators: Map<string, OperationModes>,
    message: S2Message,
    bad: BadReferences,
  ): OperationModes | undefined {
    if (!this.hasActuators) return actuators.get(DEVICE);
    const id = message['actuator_id'] as string;
    const actuator = actuators.get(id);
    if (!actuator)
      bad.add('/actuator_id', `actuator_id ${quote(id)} is not an actuator of the ${this.model.systemDescription}`);
    return actuator;
  }

  private checkModes(
    actuators: Map<string, OperationModes>,
    message: S2Message,
    members: readonly string[],
  ): SemanticProblem | undefined {
    const bad = new BadReferences();
    const actuator = this.actuatorOf(actuators, message, bad);
    if (actuator) {
      for (const member of members) {
        const mode = message[member];
        if (typeof mode === 'string' && !actuator.modes.has(mode))
          bad.add(`/${member}`, `${member} ${quote(mode)} is not an operation mode${this.owner(message)}`);
      }
    }
    return bad.problem();
  }

  private checkTimer(actuators: Map<string, OperationModes>, message: S2Message): SemanticProblem | undefined {
    const bad = new BadReferences();
    const actuator = this.actuatorOf(actuators, message, bad);
    const { timer_id } = read<TimerStatusMessage>(message);
    if (actuator && !actuator.timers.has(timer_id))
      bad.add('/timer_id', `timer_id ${quote(timer_id)} is not a timer${this.owner(message)}`);
    return bad.problem();
  }

  private owner(message: S2Message): string {
    return this.hasActuators
      ? ` of actuator ${quote(message['actuator_id'])}`
      : ` of the ${this.model.systemDescription}`;
  }
}
