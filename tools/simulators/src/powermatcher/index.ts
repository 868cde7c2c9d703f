export { DEVICE_KINDS, type DeviceKind, deviceBid } from './devices';
export {
  type PowerMatcherSimulation,
  type PowerMatcherSimulationOptions,
  type SimulatedAgent,
  type SimulationStats,
  startPowerMatcherSimulation,
} from './simulation';
export { powermatcherCommand } from './command';
