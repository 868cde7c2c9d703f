import { parseArgs } from 'node:util';
import type { SimulatorCommand, SimulatorIo } from '../commands';
import { startPowerMatcherSimulation } from './simulation';

const HELP = `usage: flexgrid-sim powermatcher --url ws://127.0.0.1:8080 [options]

PowerMatcher device agents (heat pump, battery, PV, EV, freezer, inflexible) on websockets: each bids on
CLUSTERINFO and re-bids on its own jittered schedule; prices are counted. Runs until Ctrl-C.

  --url <ws-url>        the auctioneer or concentrator, ws://host:port (required)
  --agents <n>          how many agents (default 10)
  --parent <id>         the matcher to attach to on the 1.9 endpoint (default auctioneer)
  --dialect <1.9|v2.1>  endpoint dialect (default 1.9)
  --prefix <text>       agent ids are <prefix>-<kind>-<n> (default sim)
  --rebid-seconds <s>   mean re-bid period, jittered ±50 % (default 30)
  --token <token>       bearer token when the matcher asks for one
  --stats-seconds <s>   how often to print a line of statistics (default 5)
`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}

async function run(argv: readonly string[], io: SimulatorIo): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        url: { type: 'string' },
        agents: { type: 'string' },
        parent: { type: 'string' },
        dialect: { type: 'string' },
        prefix: { type: 'string' },
        'rebid-seconds': { type: 'string' },
        token: { type: 'string' },
        'stats-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    io.stderr(`${(error as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  let options;
  try {
    if (!values.url || !/^wss?:\/\//.test(values.url)) throw new Error('--url must be a ws:// or wss:// URL');
    if (values.dialect !== undefined && values.dialect !== '1.9' && values.dialect !== 'v2.1')
      throw new Error('--dialect must be 1.9 or v2.1');
    options = {
      url: values.url,
      agents: Math.round(positive('agents', values.agents, 10)),
      parentId: values.parent,
      dialect: values.dialect as '1.9' | 'v2.1' | undefined,
      prefix: values.prefix,
      rebidMs: positive('rebid-seconds', values['rebid-seconds'], 30) * 1000,
      token: values.token,
    };
  } catch (error) {
    io.stderr(`flexgrid-sim powermatcher: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  const statsMs = positive('stats-seconds', values['stats-seconds'], 5) * 1000;
  const simulation = await startPowerMatcherSimulation(options);
  io.stdout(`${options.agents} agents connecting to ${options.url}\n`);
  const timer = setInterval(() => {
    const s = simulation.stats();
    io.stdout(
      `connected ${s.connected}/${s.agents}  bids ${s.bids}  prices ${s.prices}  errors ${s.errors}  last price ${s.lastPrice ?? '-'}\n`,
    );
  }, statsMs);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(timer);
  await simulation.stop();
  return 0;
}

export const powermatcherCommand: SimulatorCommand = {
  name: 'powermatcher',
  summary: 'PowerMatcher device agents bidding to an auctioneer or concentrator',
  run,
};
