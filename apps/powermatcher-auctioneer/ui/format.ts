import type { MarketBasis } from './api';

/** Display formats: powers with their unit, prices to the grid's resolution (times: @flexgrid/ui). */

export interface PowerUnit {
  readonly unit: 'W' | 'kW' | 'MW';
  readonly factor: number;
}

/** The unit that keeps values of this size readable (W below 10 kW, kW below 10 MW). */
export function powerUnit(maxAbsW: number): PowerUnit {
  if (maxAbsW >= 10_000_000) return { unit: 'MW', factor: 1e6 };
  if (maxAbsW >= 10_000) return { unit: 'kW', factor: 1e3 };
  return { unit: 'W', factor: 1 };
}

const numberFormats = new Map<number, Intl.NumberFormat>();
function numberFormat(digits: number): Intl.NumberFormat {
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format;
}

/** A power in W, kW or MW by its own size: `1,250 W`, `-12.4 kW`. */
export function formatPower(watts: number, unit = powerUnit(Math.abs(watts))): string {
  const value = watts / unit.factor;
  const digits = unit.unit === 'W' ? (Math.abs(value) < 10 && value !== Math.trunc(value) ? 1 : 0) : 1;
  return `${numberFormat(digits).format(value)} ${unit.unit}`;
}

/** Decimals that show every step of the basis apart (at least 2). */
export function priceDecimals(basis: MarketBasis | null): number {
  if (!basis) return 4;
  const increment = (basis.maximumPrice - basis.minimumPrice) / (basis.priceSteps - 1);
  if (!(increment > 0)) return 4;
  return Math.min(8, Math.max(2, Math.ceil(-Math.log10(increment)) + 1));
}

export function formatPrice(price: number, basis: MarketBasis | null): string {
  const text = numberFormat(priceDecimals(basis)).format(price);
  return basis ? `${text} ${basis.currency}` : text;
}

export function formatCount(count: number): string {
  return numberFormat(0).format(count);
}

/** `1 round`, `12 rounds`. */
export function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? '' : 's'}`;
}
