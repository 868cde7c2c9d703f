import { COMMANDS, type SimulatorIo } from './commands';

const processIo: SimulatorIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export function usage(): string {
  const width = Math.max(0, ...COMMANDS.map((c) => c.name.length));
  return [
    'usage: flexgrid-sim <protocol> [options]',
    '',
    'Protocol peers that speak only the wire protocol, for trying a flexgrid service by hand:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "flexgrid-sim <protocol> --help lists that simulator's options.",
    '',
  ].join('\n');
}

/** Runs `flexgrid-sim` with the given arguments (without node and script) and resolves with the exit status. */
export async function main(argv: readonly string[], io: SimulatorIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.stderr(`flexgrid-sim: unknown simulator '${name}'\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  return command.run(rest, io);
}
