import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { WebSocket } from 'ws';
import type { SimulatorCommand, SimulatorIo } from '../commands';
import { SimulatedCem } from './customer-energy-manager';
import { DEVICE_KINDS, type DeviceKind } from './devices';
import { type Mistake, MISTAKE_RULES, MISTAKES, type PeerOptions } from './peer';
import { SimulatedResourceManager } from './resource-manager';
import { startS2Pair } from './simulation';
import { dial, listen } from './transport';

const USAGE = `usage: flexgrid-sim s2 <rm|cem|pair> [options]

S2 (EN 50491-12-2, JSON over websockets, ${'0.0.2-beta'}) peers that speak the protocol correctly, or make the
mistakes they are told to.

  rm     a Resource Manager for a device: dials --url, or listens on --listen
  cem    a CEM: dials --url, or listens on --listen
  pair   an RM and a CEM, both through an S2 analyzer (--analyzer) on its drop-in URLs

options:
  --url <ws(s)://...>        dial this endpoint
  --listen <port>            wait to be dialled on this port (the analyzer's dial mode)
  --tls-cert <pem file>      with --listen: serve wss with this certificate ...
  --tls-key <pem file>       ... and key
  --ca <pem file>            with --url: trust this CA for wss
  --token <token>            bearer token: sent when dialling, required when listening
  --analyzer <http(s)://...> pair: the analyzer's base URL
  --rm-id <id> --cem-id <id> pair: the ids in the drop-in URLs (default sim-rm, sim-cem)
  --device <kind>            ${DEVICE_KINDS.join(' | ')} (default battery: FRBC; appliance: PPBC; pv: NOT_CONTROLABLE)
  --interval <ms>            time between measurements and steering decisions (default 1000)
  --mistakes <list>          comma-separated, each made once (one per tick), by the RM in pair mode:
${MISTAKES.map((m) => `                               ${m.padEnd(26)} ${MISTAKE_RULES[m]}`).join('\n')}
  --repeat-mistakes          make the mistakes over and over
  --duration <ms>            stop after this long (default: until Ctrl-C)
  --help                     this text
`;

function untilStopped(durationMs: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearTimeout(timer);
      resolve();
    };
    const timer = durationMs === undefined ? undefined : setTimeout(done, durationMs);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

async function run(argv: readonly string[], io: SimulatorIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        listen: { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        ca: { type: 'string' },
        token: { type: 'string' },
        analyzer: { type: 'string' },
        'rm-id': { type: 'string' },
        'cem-id': { type: 'string' },
        device: { type: 'string' },
        interval: { type: 'string' },
        mistakes: { type: 'string' },
        'repeat-mistakes': { type: 'boolean' },
        duration: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.stderr(`flexgrid-sim s2: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const fail = (message: string) => {
    io.stderr(`flexgrid-sim s2: ${message}\n`);
    return 2;
  };
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const [role] = positionals;
  if (role !== 'rm' && role !== 'cem' && role !== 'pair') return fail(`say rm, cem or pair\n${USAGE}`);
  const device = (values.device ?? 'battery') as DeviceKind;
  if (!DEVICE_KINDS.includes(device)) return fail(`--device must be one of ${DEVICE_KINDS.join(', ')}`);
  const intervalMs = Number(values.interval ?? 1000);
  if (!Number.isInteger(intervalMs) || intervalMs < 10) return fail('--interval must be an integer ≥ 10 (ms)');
  const durationMs = values.duration === undefined ? undefined : Number(values.duration);
  if (durationMs !== undefined && !(durationMs >= 0)) return fail('--duration must be a number of ms');
  const mistakes = (values.mistakes ?? '').split(',').filter((m) => m !== '') as Mistake[];
  const unknown = mistakes.filter((m) => !MISTAKES.includes(m));
  if (unknown.length > 0) return fail(`unknown mistake ${unknown.join(', ')}; known: ${MISTAKES.join(', ')}`);
  const peer: PeerOptions = {
    mistakes,
    repeatMistakes: values['repeat-mistakes'] === true,
    log: (line) => io.stdout(`${new Date().toISOString()} ${line}\n`),
  };
  const ca = values.ca ? readFileSync(values.ca) : undefined;

  if (role === 'pair') {
    if (!values.analyzer) return fail('pair needs --analyzer <http(s)://host:port>');
    const pair = await startS2Pair({
      analyzerUrl: values.analyzer,
      rmId: values['rm-id'] ?? 'sim-rm',
      cemId: values['cem-id'] ?? 'sim-cem',
      device,
      intervalMs,
      rmMistakes: mistakes,
      repeatMistakes: peer.repeatMistakes,
      token: values.token,
      ca,
      log: peer.log,
    });
    io.stdout(`S2 pair (${device}) through ${values.analyzer}\n`);
    await untilStopped(durationMs);
    await pair.stop();
    return 0;
  }
  const start = (socket: WebSocket) =>
    role === 'rm'
      ? new SimulatedResourceManager(socket, { ...peer, device, intervalMs })
      : new SimulatedCem(socket, { ...peer, intervalMs });
  if (values.listen !== undefined) {
    const port = Number(values.listen);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail('--listen must be a port');
    if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) return fail('--tls-cert and --tls-key go together');
    const tls =
      values['tls-cert'] && values['tls-key']
        ? { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) }
        : undefined;
    const listening = await listen({ port, token: values.token, tls }, (socket) => {
      io.stdout(`connected: a new ${role === 'rm' ? 'RM' : 'CEM'} session\n`);
      start(socket);
    });
    io.stdout(`${role === 'rm' ? 'RM' : 'CEM'} (${device}) listening on ${listening.url}\n`);
    await untilStopped(durationMs);
    await listening.close();
    return 0;
  }
  if (!values.url) return fail('give --url to dial or --listen to be dialled');
  const simulated = await dial(values.url, { token: values.token, ca }, start);
  io.stdout(`${role === 'rm' ? 'RM' : 'CEM'} connected to ${values.url}\n`);
  await Promise.race([untilStopped(durationMs), simulated.closed]);
  simulated.close();
  return 0;
}

export const s2Command: SimulatorCommand = {
  name: 's2',
  summary: 'S2 RM (FRBC battery, PPBC appliance, NOT_CONTROLABLE PV) and CEM, with mistake injection',
  run,
};
