export { main, usage } from './cli';
export { COMMANDS, type SimulatorCommand, type SimulatorIo } from './commands';
export * as openadr from './openadr/index';
