import { SimulatedCem } from './customer-energy-manager';
import type { DeviceKind } from './devices';
import type { Mistake } from './peer';
import { SimulatedResourceManager } from './resource-manager';
import { dial, type DialOptions } from './transport';

/*
 * A simulated RM and CEM, both connected through an S2 analyzer on its drop-in URLs (the RM to
 * /backend/rm/{rmId}/cem/{cemId}/ws, the CEM to /backend/cem/{cemId}/rm/{rmId}/ws): what the dev host runs.
 */

export interface S2PairOptions extends DialOptions {
  /** The analyzer's base URL, http(s):// or ws(s)://. */
  analyzerUrl: string;
  rmId: string;
  cemId: string;
  device: DeviceKind;
  intervalMs: number;
  rmMistakes?: readonly Mistake[];
  cemMistakes?: readonly Mistake[];
  repeatMistakes?: boolean;
  log?: (line: string) => void;
}

export interface S2Pair {
  rm: SimulatedResourceManager;
  cem: SimulatedCem;
  stop(): Promise<void>;
}

export function dropInUrls(analyzerUrl: string, rmId: string, cemId: string): { rm: string; cem: string } {
  const base = analyzerUrl.replace(/^http/, 'ws').replace(/\/$/, '');
  const [rm, cem] = [encodeURIComponent(rmId), encodeURIComponent(cemId)];
  return { rm: `${base}/backend/rm/${rm}/cem/${cem}/ws`, cem: `${base}/backend/cem/${cem}/rm/${rm}/ws` };
}

export async function startS2Pair(options: S2PairOptions): Promise<S2Pair> {
  const urls = dropInUrls(options.analyzerUrl, options.rmId, options.cemId);
  const { token, ca, intervalMs, repeatMistakes, log } = options;
  // The CEM first: the RM's Handshake then reaches it at once instead of waiting in the analyzer's buffer.
  const cem = await dial(
    urls.cem,
    { token, ca },
    (socket) => new SimulatedCem(socket, { intervalMs, mistakes: options.cemMistakes, repeatMistakes, log }),
  );
  const rm = await dial(
    urls.rm,
    { token, ca },
    (socket) =>
      new SimulatedResourceManager(socket, {
        device: options.device,
        intervalMs,
        mistakes: options.rmMistakes,
        repeatMistakes,
        log,
      }),
  );
  return {
    rm,
    cem,
    stop: async () => {
      await Promise.all([rm.settle(), cem.settle()]);
      rm.close();
      cem.close();
      await Promise.all([rm.closed, cem.closed]);
    },
  };
}
