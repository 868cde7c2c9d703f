/** What a simulator command writes to: the real process by default, a capture in tests. */
export interface SimulatorIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * One `flexgrid-sim <name>` command. `run` resolves with the exit status once the simulation ends (a
 * long-running one ends on SIGINT/SIGTERM); `--help` is handled by each command itself.
 */
export interface SimulatorCommand {
  name: string;
  summary: string;
  run(argv: readonly string[], io: SimulatorIo): Promise<number>;
}

/**
 * Every protocol's command. Each is loaded only when asked for, so `flexgrid-sim s2` never loads the OpenADR
 * lib. Each protocol's simulator adds its line here.
 */
export const COMMANDS: readonly { name: string; summary: string; load(): Promise<SimulatorCommand> }[] = [
  {
    name: 's2',
    summary: 'S2 RM (FRBC battery, PPBC appliance, NOT_CONTROLABLE PV) and CEM, with mistake injection',
    load: async () => (await import('./s2/command.js')).s2Command,
  },
];
