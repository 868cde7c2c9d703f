import type { ControlType, S2Message } from '@flexgrid/protocol-s2';
import type { WebSocket } from 'ws';
import { createDevice, type Device, type DeviceKind, powerForecast, powerMeasurement } from './devices';
import { type PeerOptions, PROTOCOL_VERSION, S2Peer } from './peer';

/*
 * A simulated S2 Resource Manager as s2-python runs one: it sends its Handshake first, its
 * ResourceManagerDetails after the HandshakeResponse, describes the device when the CEM selects its control
 * type, then measures every tick (with statuses and, now and then, a forecast) and carries out instructions,
 * reporting each with InstructionStatusUpdates.
 */

export interface ResourceManagerOptions extends PeerOptions {
  device: DeviceKind;
  /** Time between measurements, in ms. */
  intervalMs: number;
}

const INSTRUCTIONS = new Set([
  'FRBC.Instruction',
  'PPBC.ScheduleInstruction',
  'PPBC.StartInterruptionInstruction',
  'PPBC.EndInterruptionInstruction',
]);

export class SimulatedResourceManager extends S2Peer {
  readonly device: Device;
  private active: ControlType = 'NO_SELECTION';
  private ticks = 0;
  private readonly timer: NodeJS.Timeout;
  private connected = false;

  constructor(socket: WebSocket, options: ResourceManagerOptions) {
    super('RM', socket, options);
    this.device = createDevice(options.device);
    this.send({ message_type: 'Handshake', role: 'RM', supported_protocol_versions: [PROTOCOL_VERSION] });
    this.timer = setInterval(() => this.tick(), options.intervalMs);
    socket.once('close', () => clearInterval(this.timer));
  }

  /** Measurements sent so far. */
  get measurements(): number {
    return this.ticks;
  }

  protected handle(message: S2Message): void {
    const type = message['message_type'];
    if (type === 'HandshakeResponse') {
      this.connected = true;
      this.send({ message_type: 'ResourceManagerDetails', ...this.device.details() });
    } else if (type === 'SelectControlType') {
      this.active = message['control_type'] as ControlType;
      this.log(`control type ${this.active}`);
      if (this.active === this.device.controlType) for (const each of this.device.describe(Date.now())) this.send(each);
    } else if (typeof type === 'string' && INSTRUCTIONS.has(type)) {
      this.device.instruct(message);
      for (const status of ['ACCEPTED', 'STARTED'])
        this.send({
          message_type: 'InstructionStatusUpdate',
          instruction_id: message['id'],
          status_type: status,
          timestamp: new Date().toISOString(),
        });
    } else if (type === 'SessionRequest') {
      this.log(`session request ${String(message['request'])}`);
    }
  }

  private tick(): void {
    if (this.quiet) return;
    if (!this.connected || !this.open) return;
    this.ticks += 1;
    const now = Date.now();
    const measurement = powerMeasurement(this.device, now);
    const mistake = this.nextMistake(['string-number', 'unannounced-measurement', 'unknown-reference']);
    if (mistake === 'string-number') {
      const values = measurement['values'] as Array<{ value: number }>;
      this.send({ ...measurement, values: values.map((v) => ({ ...v, value: String(v.value) })) });
    } else if (mistake === 'unannounced-measurement') {
      this.send({ ...measurement, values: [{ commodity_quantity: 'ELECTRIC.POWER.L3', value: 42 }] });
    } else if (mistake === 'unknown-reference') {
      this.send({
        message_type: 'InstructionStatusUpdate',
        instruction_id: '00000000-0000-4000-8000-00000000dead',
        status_type: 'SUCCEEDED',
        timestamp: new Date(now).toISOString(),
      });
    } else this.sendWithMistake(measurement);
    if (this.active === this.device.controlType) for (const status of this.device.status(now)) this.send(status);
    if (this.ticks % 10 === 1) this.send(powerForecast(this.device, now));
  }
}
