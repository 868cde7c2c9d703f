import { startS2Analyzer } from '@flexgrid/s2-analyzer';
import { s2 } from '@flexgrid/simulators';
import type { DevApp } from './apps';

/**
 * The S2 analyzer in the dev host, with one simulated pair analysed live: a home battery's RM (FRBC) and a CEM,
 * connected through the analyzer's drop-in URLs. The RM makes a few protocol mistakes early on, so the UI has
 * findings to show.
 */
export const s2AnalyzerDevApp: DevApp = {
  name: 's2-analyzer',
  port: 8083,
  async start({ bus, database, port, logger }) {
    const analyzer = await startS2Analyzer({ bus, database, port, host: '127.0.0.1', logLevel: 'warn' });
    const pair = await s2.startS2Pair({
      analyzerUrl: analyzer.url,
      rmId: 'demo-battery',
      cemId: 'demo-cem',
      device: 'battery',
      intervalMs: 1000,
      rmMistakes: ['non-uuid-id', 'string-number', 'unannounced-measurement'],
    });
    logger.info({ url: `${analyzer.url}/ui/` }, 'S2 analyzer with a simulated battery RM and CEM');
    return {
      url: analyzer.url,
      stop: async () => {
        await pair.stop().catch((err: unknown) => logger.warn({ err }, 'the simulated S2 pair did not stop cleanly'));
        await analyzer.stop();
      },
    };
  },
};
