import { randomUUID } from 'node:crypto';
import type { ControlType, S2Message } from '@flexgrid/protocol-s2';
import type { WebSocket } from 'ws';
import { type PeerOptions, PROTOCOL_VERSION, S2Peer } from './peer';

/*
 * A simulated S2 CEM: it answers the RM's Handshake with a HandshakeResponse, selects the best control type the
 * RM offers (FRBC, then PPBC, else NOT_CONTROLABLE), and steers the device: an FRBC battery is sent to charge,
 * discharge or idle in turn every few ticks; a PPBC profile's first sequence is scheduled once.
 */

export interface CemOptions extends PeerOptions {
  /** Time between steering decisions, in ms. */
  intervalMs: number;
}

const PREFERENCE: ControlType[] = ['FILL_RATE_BASED_CONTROL', 'POWER_PROFILE_BASED_CONTROL', 'NOT_CONTROLABLE'];

export class SimulatedCem extends S2Peer {
  private actuator: { id: string; modes: string[] } | undefined;
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;
  selected: ControlType | undefined;
  instructions = 0;

  constructor(socket: WebSocket, options: CemOptions) {
    super('CEM', socket, options);
    this.send({ message_type: 'Handshake', role: 'CEM', supported_protocol_versions: [PROTOCOL_VERSION] });
    this.timer = setInterval(() => this.tick(), options.intervalMs);
    socket.once('close', () => clearInterval(this.timer));
  }

  protected handle(message: S2Message): void {
    switch (message['message_type']) {
      case 'Handshake':
        if (message['role'] === 'RM')
          this.send({ message_type: 'HandshakeResponse', selected_protocol_version: PROTOCOL_VERSION });
        return;
      case 'ResourceManagerDetails': {
        const offered = message['available_control_types'] as ControlType[];
        const choice = PREFERENCE.find((type) => offered.includes(type));
        if (choice && choice !== this.selected) {
          this.selected = choice;
          this.send({ message_type: 'SelectControlType', control_type: choice });
        }
        return;
      }
      case 'FRBC.SystemDescription': {
        const [actuator] = message['actuators'] as Array<{ id: string; operation_modes: Array<{ id: string }> }>;
        if (actuator) this.actuator = { id: actuator.id, modes: actuator.operation_modes.map((mode) => mode.id) };
        return;
      }
      case 'PPBC.PowerProfileDefinition': {
        const [container] = message['power_sequences_containers'] as Array<{
          id: string;
          power_sequences: Array<{ id: string }>;
        }>;
        const sequence = container?.power_sequences[0];
        if (container && sequence) {
          this.instructions += 1;
          this.send({
            message_type: 'PPBC.ScheduleInstruction',
            id: randomUUID(),
            power_profile_id: message['id'],
            sequence_container_id: container.id,
            power_sequence_id: sequence.id,
            execution_time: new Date(Date.now() + 60_000).toISOString(),
            abnormal_condition: false,
          });
        }
        return;
      }
    }
  }

  private tick(): void {
    if (this.quiet) return;
    this.ticks += 1;
    if (!this.actuator || this.ticks % 3 !== 0) return;
    const mode = this.actuator.modes[(this.ticks / 3) % this.actuator.modes.length];
    const instruction: S2Message = {
      message_type: 'FRBC.Instruction',
      id: randomUUID(),
      actuator_id: this.actuator.id,
      operation_mode: mode,
      operation_mode_factor: 1,
      execution_time: new Date().toISOString(),
      abnormal_condition: false,
    };
    this.instructions += 1;
    const mistake = this.nextMistake(['unknown-reference', 'string-number']);
    if (mistake === 'unknown-reference') this.send({ ...instruction, actuator_id: randomUUID() });
    else if (mistake === 'string-number') this.send({ ...instruction, operation_mode_factor: '1' });
    else this.sendWithMistake(instruction);
  }
}
