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
 * lib. `require`, not `import()`: it stays lazy in the CommonJS build and resolves alike from src (jest) and dist
 * (node), where `import()` would need a `.js` extension. Each protocol's simulator adds its line here.
 */
export const COMMANDS: readonly { name: string; summary: string; load(): Promise<SimulatorCommand> }[] = [
  {
    name: 'openadr',
    summary: 'simulated OpenADR 2.0b VENs against a VTN',
    load: async () => (require('./openadr/command') as typeof import('./openadr/command')).openadrCommand,
  },
  {
    name: 'p2p',
    summary: 'P2P sources, producers, households, wallets and a rail against a p2p-grid',
    load: async () => (require('./p2p/command') as typeof import('./p2p/command')).p2pCommand,
  },
  {
    name: 'powermatcher',
    summary: 'PowerMatcher device agents bidding to an auctioneer or concentrator',
    load: async () =>
      (require('./powermatcher/command') as typeof import('./powermatcher/command')).powermatcherCommand,
  },
  {
    name: 's2',
    summary: 'S2 RM (FRBC battery, PPBC appliance, NOT_CONTROLABLE PV) and CEM, with mistake injection',
    load: async () => (require('./s2/command') as typeof import('./s2/command')).s2Command,
  },
];
