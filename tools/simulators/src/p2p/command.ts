import { KafkaBus } from '@flexgrid/platform-kafka';
import { CONFIG_VARIABLES, configFromSettings, type P2PSettings } from '@flexgrid/protocol-p2p';
import { parseArgs } from 'node:util';
import { type SimulatorCommand, type SimulatorIo } from '../commands';
import { PRODUCER_IDS, startCommunity } from './community';

const HELP = `usage: flexgrid-sim p2p --grid-url <url> --operator-token <token> \\
         --producer SUNFARM01=<url> --producer WINDMILL1=<url> [options]

A small energy community against running p2p-producer and p2p-grid services: 3 sources (two PV panels under
producer SUNFARM01, a turbine under WINDMILL1), 4 households with load profiles, their wallets (P2P-L6) and a
payment rail. Each source says hello and registers at its producer with its secret; producers and households
are registered at the grid with the operator token; readings and payments go over Kafka (KAFKA_BROKERS), where
the producers read their sources and publish their output to the grid.

options:
  --grid-url <url>           the grid's HTTP address
  --operator-token <token>   the grid's P2P_OPERATOR_TOKEN
  --producer <id>=<url>      a producer service's HTTP address (once for SUNFARM01, once for WINDMILL1)
  --profile community|poc    the rules the grid runs (default community)
  --interval-ms <ms>         the grid's P2P_INTERVAL_MS (default the profile's)
  --compression <n>          each window carries the energy of n times its length, and days pass n times
                             faster (default 1)
  --topic-prefix <prefix>    KAFKA topic prefix of the grid (default none)
`;

export const p2pCommand: SimulatorCommand = {
  name: 'p2p',
  summary: 'P2P sources, producers, households, wallets and a rail against a p2p-grid',
  async run(argv: readonly string[], io: SimulatorIo): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          help: { type: 'boolean', short: 'h' },
          'grid-url': { type: 'string' },
          'operator-token': { type: 'string' },
          producer: { type: 'string', multiple: true },
          profile: { type: 'string', default: 'community' },
          'interval-ms': { type: 'string' },
          compression: { type: 'string', default: '1' },
          'topic-prefix': { type: 'string' },
        },
      }));
    } catch (error) {
      io.stderr(`flexgrid-sim p2p: ${(error as Error).message}\n${HELP}`);
      return 2;
    }
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    const brokers = process.env['KAFKA_BROKERS'];
    if (!values['grid-url'] || !values['operator-token'] || !brokers) {
      io.stderr(`flexgrid-sim p2p: --grid-url, --operator-token and KAFKA_BROKERS are needed.\n${HELP}`);
      return 2;
    }
    const producerUrls: Record<string, string> = {};
    for (const given of values.producer ?? []) {
      const match = /^([A-Za-z0-9._~-]{8,128})=(https?:\/\/\S+)$/.exec(given);
      if (!match) {
        io.stderr(`flexgrid-sim p2p: --producer must be <producerId>=<url>, not '${given}'.\n`);
        return 2;
      }
      producerUrls[match[1]] = match[2];
    }
    const missing = PRODUCER_IDS.filter((id) => producerUrls[id] === undefined);
    if (missing.length > 0) {
      io.stderr(`flexgrid-sim p2p: --producer is needed for ${missing.join(' and ')}.\n${HELP}`);
      return 2;
    }
    const settings: P2PSettings = { profile: values.profile === 'poc' ? 'poc' : 'community' };
    if (values['interval-ms']) settings.intervalMs = Number(values['interval-ms']);
    const config = configFromSettings(settings);
    const bus = new KafkaBus({
      brokers: brokers.split(','),
      clientId: 'flexgrid-sim-p2p',
      topicPrefix: values['topic-prefix'],
    });
    await bus.connect();
    const community = await startCommunity({
      bus,
      gridUrl: values['grid-url'],
      operatorToken: values['operator-token'],
      producerUrls,
      config,
      timeCompression: Number(values.compression),
      log: (message) => io.stdout(`${message}\n`),
    }).catch(async (error: unknown) => {
      // The bus's connections would keep the process alive after the error is reported.
      await bus.stop();
      throw error;
    });
    io.stdout(
      `community running against ${values['grid-url']} (${CONFIG_VARIABLES.profile}=${config.profile}); Ctrl-C stops it\n`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await community.stop();
    await bus.stop();
    return 0;
  },
};
