/** `flexgrid-sim openadr`: N simulated VENs against a VTN until Ctrl-C (or --duration). */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { SimulatorCommand, SimulatorIo } from '../commands';
import { startVenFleet } from './fleet';

const HELP = `usage: flexgrid-sim openadr --vtn URL [options]

Simulated OpenADR 2.0b VENs (profile B, pull): each registers, registers its TELEMETRY_USAGE and
TELEMETRY_STATUS reports, polls every P_v, opts in or out of events and sends the telemetry requested.

  --vtn URL              the VTN's OpenADR base URL, e.g. http://127.0.0.1:8080/OpenADR2/Simple/2.0b
  --vens N               how many VENs (default 5)
  --prefix TEXT          venID prefix (default ven-); venIDs are <prefix>0001, <prefix>0002, ...
  --opt-out-ratio R      share of events each VEN opts out of, 0 to 1 (default 0.2)
  --sampling SECONDS     the sampling period the VENs offer (default 10)
  --cert FILE --key FILE --ca FILE   client certificate, key and CA for mutual TLS (https URLs)
  --duration SECONDS     stop after this long (default: until Ctrl-C)
`;

export const openadrCommand: SimulatorCommand = {
  name: 'openadr',
  summary: 'simulated OpenADR 2.0b VENs against a VTN',
  async run(argv: readonly string[], io: SimulatorIo): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          vtn: { type: 'string' },
          vens: { type: 'string', default: '5' },
          prefix: { type: 'string', default: 'ven-' },
          'opt-out-ratio': { type: 'string', default: '0.2' },
          sampling: { type: 'string', default: '10' },
          cert: { type: 'string' },
          key: { type: 'string' },
          ca: { type: 'string' },
          duration: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      io.stderr(`flexgrid-sim openadr: ${(error as Error).message}\n${HELP}`);
      return 2;
    }
    if (values.help) {
      io.stdout(HELP);
      return 0;
    }
    const count = Number(values.vens);
    const ratio = Number(values['opt-out-ratio']);
    const sampling = Number(values.sampling);
    const problems = [
      !values.vtn || !URL.canParse(values.vtn) ? '--vtn must be a URL' : '',
      !Number.isInteger(count) || count < 1 ? '--vens must be a positive integer' : '',
      !(ratio >= 0 && ratio <= 1) ? '--opt-out-ratio must be between 0 and 1' : '',
      !Number.isInteger(sampling) || sampling < 1 ? '--sampling must be a positive number of seconds' : '',
      (values.cert || values.key || values.ca) && !(values.cert && values.key && values.ca)
        ? '--cert, --key and --ca go together'
        : '',
    ].filter(Boolean);
    if (problems.length > 0) {
      io.stderr(`flexgrid-sim openadr: ${problems.join('; ')}\n${HELP}`);
      return 2;
    }
    const tls =
      values.cert && values.key && values.ca
        ? {
            cert: readFileSync(values.cert, 'utf8'),
            key: readFileSync(values.key, 'utf8'),
            ca: readFileSync(values.ca, 'utf8'),
          }
        : undefined;
    let lastError = '';
    const fleet = await startVenFleet({
      vtnUrl: (values.vtn as string).replace(/\/$/, ''),
      count,
      prefix: values.prefix,
      optOutRatio: ratio,
      samplingSeconds: sampling,
      ...(tls && { tls }),
      onError: (error) => {
        lastError = error instanceof Error ? error.message : String(error);
      },
    });
    const report = () => {
      const t = fleet.totals();
      io.stdout(
        `${new Date().toISOString()} registered ${t.registered}/${count} polls ${t.polls} optIn ${t.optIns} optOut ${t.optOuts} updates ${t.updates} errors ${t.errors}${lastError ? ` (last: ${lastError})` : ''}\n`,
      );
    };
    report();
    const timer = setInterval(report, 10_000);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      if (values.duration) setTimeout(resolve, Number(values.duration) * 1000);
    });
    clearInterval(timer);
    report();
    fleet.stop();
    return fleet.totals().registered === count ? 0 : 1;
  },
};
