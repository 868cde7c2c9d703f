/** N simulated VENs against one VTN, started a few at a time (what `npm start`, the e2e tests and the benchmark use). */
import { SimulatedVen, type SimulatedVenOptions } from './ven';

export interface VenFleetOptions extends Omit<SimulatedVenOptions, 'venId' | 'venName'> {
  readonly count: number;
  /** venIDs are `<prefix><n>` with n from 1, zero-padded to 4 digits. */
  readonly prefix?: string;
  /** Registrations running at once. */
  readonly concurrency?: number;
}

export interface VenFleet {
  readonly vens: readonly SimulatedVen[];
  /** Totals over the fleet. */
  totals(): { registered: number; polls: number; optIns: number; optOuts: number; updates: number; errors: number };
  stop(): void;
}

export async function startVenFleet(options: VenFleetOptions): Promise<VenFleet> {
  const prefix = options.prefix ?? 'ven-';
  const vens = Array.from(
    { length: options.count },
    (_, i) =>
      new SimulatedVen({
        ...options,
        venId: `${prefix}${String(i + 1).padStart(4, '0')}`,
        venName: `simulated VEN ${i + 1}`,
      }),
  );
  const queue = [...vens];
  const workers = Array.from({ length: Math.min(options.concurrency ?? 10, vens.length) }, async () => {
    for (let ven = queue.shift(); ven; ven = queue.shift()) {
      try {
        await ven.start();
      } catch (error) {
        ven.stats.errors += 1;
        options.onError?.(error);
      }
    }
  });
  await Promise.all(workers);
  return {
    vens,
    totals: () => {
      const sum = (pick: (v: SimulatedVen) => number) => vens.reduce((total, v) => total + pick(v), 0);
      return {
        registered: vens.filter((v) => v.registered).length,
        polls: sum((v) => v.stats.polls),
        optIns: sum((v) => v.stats.optIns),
        optOuts: sum((v) => v.stats.optOuts),
        updates: sum((v) => v.stats.updates),
        errors: sum((v) => v.stats.errors),
      };
    },
    stop: () => {
      for (const ven of vens) ven.close();
    },
  };
}
