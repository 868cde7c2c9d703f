import type { BidContent } from '@flexgrid/powermatcher-client';
import type { MarketBasis } from '@flexgrid/protocol-powermatcher';

/** The device kinds of SPEC §8.5, each bidding the way such a device would. */
export const DEVICE_KINDS = ['heatPump', 'battery', 'pv', 'ev', 'freezer', 'inflexible'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** A uniform draw in [low, high), from the simulation's random source. */
export type Draw = (low: number, high: number) => number;

/** A price `share` of the way from the basis' minimum to its maximum. */
function at(basis: MarketBasis, share: number): number {
  return basis.minimumPrice + (basis.maximumPrice - basis.minimumPrice) * share;
}

/**
 * One device's next bid (positive = consumption, W), mixing the three bid forms of §7.3: PV and inflexible loads
 * bid flat, the freezer a demand array, heat pump, battery and EV price points.
 */
export function deviceBid(kind: DeviceKind, basis: MarketBasis, draw: Draw): BidContent {
  const n = basis.priceSteps;
  switch (kind) {
    case 'pv':
      // Production whatever the price: flat in [-700, -600] W.
      return { flat: -Math.round(draw(600, 700)) };
    case 'inflexible':
      return { flat: Math.round(draw(150, 600)) };
    case 'freezer': {
      // Cooling now or later: 120 W at the lowest price sloping to 0 at the highest.
      const power = Math.round(draw(90, 150));
      return { demand: Array.from({ length: n }, (_, i) => Math.round((power * (n - 1 - i)) / (n - 1))) };
    }
    case 'heatPump': {
      const power = Math.round(draw(1500, 3000));
      return {
        pricePoints: [
          { price: basis.minimumPrice, demand: power },
          { price: at(basis, draw(0.5, 0.8)), demand: 0 },
        ],
      };
    }
    case 'battery': {
      // Charges below its reference price, discharges above it.
      const power = Math.round(draw(2000, 5000));
      const reference = at(basis, draw(0.35, 0.65));
      return {
        pricePoints: [
          { price: basis.minimumPrice, demand: power },
          { price: reference, demand: 0 },
          { price: basis.maximumPrice, demand: -power },
        ],
      };
    }
    case 'ev': {
      // Charges at full power below its limit price, not at all above: a vertical step.
      const limit = at(basis, draw(0.3, 0.9));
      return {
        pricePoints: [
          { price: limit, demand: 7400 },
          { price: limit, demand: 0 },
        ],
      };
    }
  }
}
