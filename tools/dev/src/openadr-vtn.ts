/**
 * The VTN in the dev host: plain HTTP on loopback (SEC-6 dev mode), auto-accept, five simulated VENs and one
 * sample event, so a newcomer sees VENs online, polling, opting and reporting.
 */
import { startOpenadrVtn, vtnEnv } from '@flexgrid/openadr-vtn';
import { loadConfig } from '@flexgrid/platform-service';
import { openadr } from '@flexgrid/simulators';
import type { DevApp } from './apps';

/** The operator API's token in the dev host only; set OADR_API_TOKENS to choose one. */
const DEV_TOKEN = 'flexgrid-dev-token-not-for-production-use';

export const openadrVtnDevApp: DevApp = {
  name: 'openadr-vtn',
  port: 8081,
  async start({ bus, database, port, logger }) {
    const token = process.env.OADR_API_TOKENS?.split(',')[0] ?? DEV_TOKEN;
    const config = loadConfig(vtnEnv, {
      OADR_TLS: 'off',
      OADR_ALLOW_INSECURE_HTTP: 'true',
      OADR_REGISTRATION_POLICY: 'auto-accept',
      OADR_API_TOKENS: token,
      OADR_API_PORT: String(port),
      OADR_API_HOST: '127.0.0.1',
      OADR_HOST: '127.0.0.1',
      OADR_PORT: process.env.DEV_OPENADR_PORT ?? '8480',
      OADR_REPORT_GRANULARITY: 'PT10S',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    });
    const vtn = await startOpenadrVtn({ ...config, bus, database });
    const fleet = await openadr.startVenFleet({
      vtnUrl: vtn.openadrUrl,
      count: 5,
      optOutRatio: 0.2,
      onError: (err) => logger.warn({ err }, 'simulated VEN'),
    });
    const sample = await fetch(`${vtn.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        eventId: 'dev-sample-event',
        targets: { all: true },
        start: new Date(Date.now() + 15 * 60_000).toISOString(),
        rampUp: 'PT10M',
        signals: [
          {
            name: 'SIMPLE',
            type: 'level',
            intervals: [
              { duration: 'PT30M', value: 1 },
              { duration: 'PT30M', value: 2 },
            ],
          },
        ],
      }),
    });
    if (sample.status >= 300) logger.warn({ status: sample.status }, 'the sample event was refused');
    // A token of the user's own choosing is a secret: only the built-in development token is ever printed.
    const shownToken = token === DEV_TOKEN ? token : 'the first of OADR_API_TOKENS';
    logger.info({ openadr: vtn.openadrUrl, api: vtn.url }, 'openadr-vtn: 5 simulated VENs');
    return {
      url: vtn.url,
      banner: `${vtn.url}/ui/  (operator page and API; token: ${shownToken}; OpenADR ${vtn.openadrUrl})`,
      stop: async () => {
        fleet.stop();
        await vtn.stop();
      },
    };
  },
};
