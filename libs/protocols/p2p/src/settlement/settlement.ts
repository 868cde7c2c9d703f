import { type MemberStatus } from '../aggregation/aggregation';
import { compareIds } from '../units/id-order';
import { sha256Hex } from '../units/canonical-json';
import { type Allocation, type BilledEnergy, configuredRule, type P2PConfig } from '../config/config';
import { P2PError } from '../errors';
import { type ProducerIntervalData, type StreamIntervalData } from '../aggregation/interval-data';
import { type EntryDraft, type EntryKind, type Ledger, type LedgerEntry, type Role } from './ledger';
import { type IntervalPrices, intervalPrices, type PricedOutput, type PricingRule } from '../pricing/pricing';
import { type Profile } from '../config/profile';
import { type Quality } from '../ingestion/quality';
import { floorWithCarry, largestRemainder } from '../units/rounding';
import { addSafe, toSafeNumber } from '../units/units';

/** P2P-S5 `inputs`: one row per member; a missing member has nulls, never 0 (P2P-S2). */
export interface SettlementInput {
  id: string;
  role: Role;
  energyWh: number | null;
  quality: Quality | null;
  revision: number | null;
  coverageMs: number;
  status: MemberStatus;
  producerPricePerMWh: number | null;
}

export interface SettlementInputSources {
  intervalMs: number;
  /** Registrations with the role active at any time within the interval (P2P-S1). */
  expectedConsumers: readonly string[];
  expectedProducers: readonly string[];
  /** Each consumer's data for the interval (P2P-T6), for those with data. */
  consumers: ReadonlyMap<string, StreamIntervalData>;
  /** Each producer's effective output for the interval (P2P-S1), for those with data. */
  producers: ReadonlyMap<string, ProducerIntervalData>;
  /**
   * The members an earlier record of the interval settled (its state's `positions`). They stay inputs, `missing`
   * once their data is gone (a span corrected away), so the new record reverses their entries (P2P-S7).
   */
  settled?: ReadonlyMap<string, { role: Role }>;
}

function byRoleThenId(a: { role: Role; id: string }, b: { role: Role; id: string }): number {
  return a.role === b.role ? compareIds(a.id, b.id) : a.role < b.role ? -1 : 1;
}

/**
 * P2P-S1/S2: the settlement inputs of one interval, sorted by role, then id: expected members and every member
 * with data. Consumers with less than full coverage and producers whose output is not complete are `partial`.
 */
export function settlementInputs(sources: SettlementInputSources): SettlementInput[] {
  const rows: SettlementInput[] = [];
  const missing = (id: string, role: Role): SettlementInput => ({
    id,
    role,
    energyWh: null,
    quality: null,
    revision: null,
    coverageMs: 0,
    status: 'missing',
    producerPricePerMWh: null,
  });
  const settled = (role: Role) =>
    [...(sources.settled ?? [])].filter(([, position]) => position.role === role).map(([id]) => id);
  for (const id of new Set([...sources.expectedConsumers, ...sources.consumers.keys(), ...settled('consumer')])) {
    const data = sources.consumers.get(id);
    rows.push(
      data
        ? {
            id,
            role: 'consumer',
            energyWh: data.energyWh,
            quality: data.quality,
            revision: data.revision,
            coverageMs: data.coverageMs,
            status: data.coverageMs >= sources.intervalMs ? 'present' : 'partial',
            producerPricePerMWh: null,
          }
        : missing(id, 'consumer'),
    );
  }
  for (const id of new Set([...sources.expectedProducers, ...sources.producers.keys(), ...settled('producer')])) {
    const data = sources.producers.get(id);
    rows.push(
      data
        ? {
            id,
            role: 'producer',
            energyWh: data.energyWh,
            quality: data.quality,
            revision: data.revision,
            coverageMs: data.coverageMs,
            status: data.complete ? 'present' : 'partial',
            producerPricePerMWh: data.producerPricePerMWh,
          }
        : missing(id, 'producer'),
    );
  }
  return rows.sort(byRoleThenId);
}

/** The configured terms a settlement is made under (§8, §9, §16). */
export interface SettlementTerms {
  gridId: string;
  profile: Profile;
  intervalMs: number;
  rule: PricingRule;
  billedEnergy: BilledEnergy;
  billingUnitWh: number;
  allocation: Allocation;
  poolGridShareBps: number;
}

/** The terms a grid with this configuration settles under. */
export function settlementTerms(config: P2PConfig, gridId: string): SettlementTerms {
  return {
    gridId,
    profile: config.profile,
    intervalMs: config.intervalMs,
    rule: configuredRule(config),
    billedEnergy: config.billedEnergy,
    billingUnitWh: config.billingUnitWh,
    allocation: config.allocation,
    poolGridShareBps: config.poolGridShareBps,
  };
}

/** The run a record is written in (P2P-S10). */
export interface SettlementRunContext {
  runNo: number;
  asOf: number;
  settledAt: number;
}

/** A member's cumulative position in one interval: the sums of its entries there (= the latest version). */
export interface MemberPosition {
  role: Role;
  energyWh: number;
  matchedWh: number;
  /** The energy billed before billing units: covered or usage; for producers, sold. */
  basisWh: number;
  billedWh: number;
  units: number;
  exactMicro: bigint;
  amount: number;
}

/** What the grid keeps per settled interval to decide the next record. */
export interface IntervalSettlementState {
  intervalStart: number;
  version: number;
  adjustmentNo: number;
  final: boolean;
  inputsHash: string;
  /** The latest record: `v<version>` or `a<adjustmentNo>` (P2P-S9 `basedOn`). */
  latestRecord: string;
  positions: ReadonlyMap<string, MemberPosition>;
}

export interface SettlementTotals {
  producedWh: number;
  consumedWh: number;
  matchedWh: number;
  importWh: number;
  exportWh: number;
}

/** P2P-S5 `lines`: the version's energies and this record's entry. */
export interface SettlementLine {
  id: string;
  role: Role;
  status: MemberStatus;
  energyWh: number | null;
  matchedWh: number | null;
  billedWh: number;
  units: number;
  amount: number;
  entryId: string | null;
}

/** P2P-S5 `settlement.interval`. */
export interface SettlementIntervalRecord {
  gridId: string;
  intervalStart: number;
  intervalEnd: number;
  version: number;
  supersedes: number | null;
  settledAt: number;
  asOf: number;
  runNo: number;
  profile: Profile;
  rule: PricingRule;
  inputsHash: string;
  inputs: SettlementInput[];
  prices: IntervalPrices;
  totals: SettlementTotals;
  lines: SettlementLine[];
  gridLine: number;
  complete: boolean;
  gaps: string[];
}

/**
 * P2P-S9 `settlement.adjustment`: the fields §9.3 lists, plus the same facts a version carries (end, run,
 * rule, prices, hash, grid line, gaps) so a reader needs no other record; readers ignore unknown fields.
 */
export interface SettlementAdjustmentRecord extends Omit<SettlementIntervalRecord, 'version' | 'supersedes'> {
  adjustmentNo: number;
  basedOn: string;
  reason: 'inputs-changed';
}

/** P2P-S8 `settlement.finalised`. */
export interface SettlementFinalisedRecord {
  gridId: string;
  intervalStart: number;
  version: number;
  finalisedAt: number;
}

export type SettlementRecord =
  | { type: 'settlement.interval'; ceId: string; value: SettlementIntervalRecord }
  | { type: 'settlement.adjustment'; ceId: string; value: SettlementAdjustmentRecord };

export interface IntervalSettlement {
  record: SettlementRecord;
  /** The entries this record posted, in posting order (consumers by id, then producers by id). */
  entries: LedgerEntry[];
  state: IntervalSettlementState;
}

const EMPTY_POSITION = (role: Role): MemberPosition => ({
  role,
  energyWh: 0,
  matchedWh: 0,
  basisWh: 0,
  billedWh: 0,
  units: 0,
  exactMicro: 0n,
  amount: 0,
});
const BPS = 10_000n;

function isEmptyPosition(p: MemberPosition): boolean {
  return (
    p.energyWh === 0 &&
    p.matchedWh === 0 &&
    p.basisWh === 0 &&
    p.billedWh === 0 &&
    p.units === 0 &&
    p.exactMicro === 0n &&
    p.amount === 0
  );
}

/**
 * One input row in RFC 8785 form, written directly because a grid of 10 000 members hashes 10 000 rows per
 * settlement: members in code-unit order, integers and nulls as ECMAScript writes them, strings JSON-escaped.
 * The tests hold it equal to `canonicalJson(row)`.
 */
function canonicalInput(row: SettlementInput): string {
  const quality = row.quality === null ? 'null' : JSON.stringify(row.quality);
  return `{"coverageMs":${row.coverageMs},"energyWh":${row.energyWh},"id":${JSON.stringify(row.id)},"producerPricePerMWh":${row.producerPricePerMWh},"quality":${quality},"revision":${row.revision},"role":${JSON.stringify(row.role)},"status":${JSON.stringify(row.status)}}`;
}

/** P2P-S5 `inputsHash`: hex SHA-256 of the RFC 8785 JSON of the sorted inputs. */
export function inputsHash(inputs: readonly SettlementInput[]): string {
  return sha256Hex(`[${inputs.map(canonicalInput).join(',')}]`);
}

/**
 * Settles one due interval (§9): version 1 when it was never settled, version v+1 when it is not final and its
 * inputs changed (P2P-S7), an adjustment when it is final (P2P-S9); null when the inputs are unchanged. Entries
 * carry the difference to the previous position, so each member's entries for the interval sum to the latest
 * record. `inputs` must be in `settlementInputs` order (role, then id).
 */
export function settleInterval(args: {
  terms: SettlementTerms;
  run: SettlementRunContext;
  intervalStart: number;
  inputs: readonly SettlementInput[];
  previous?: IntervalSettlementState;
  ledger: Ledger;
  /** `all-time-share`: the grid's R1 carry of accrued fee (minor × bps, `0 ≤ c < 10000`). */
  feeCarry: bigint;
}): (IntervalSettlement & { feeCarry: bigint }) | null {
  const { terms, run, intervalStart, inputs, previous, ledger } = args;
  const hash = inputsHash(inputs);
  if (previous && previous.inputsHash === hash) return null;
  if (previous) {
    const ids = new Set(inputs.map((row) => row.id));
    for (const [id, position] of previous.positions) {
      if (!ids.has(id) && !isEmptyPosition(position)) {
        throw new P2PError(
          'INVALID_STATE',
          `inputs of interval ${intervalStart} leave out '${id}', whose entries an earlier record posted (pass that record's state as settlementInputs' settled).`,
        );
      }
    }
  }

  // Energies of the members with data, per role in input order (ids ascending: the R2 tie order).
  const usages: number[] = [];
  const outputs: PricedOutput[] = [];
  let consumed = 0;
  let produced = 0;
  for (const row of inputs) {
    if (row.energyWh === null) continue;
    if (row.role === 'consumer') {
      usages.push(row.energyWh);
      consumed = addSafe(consumed, row.energyWh, 'consumedWh');
    } else {
      outputs.push({ outputWh: row.energyWh, producerPricePerMWh: row.producerPricePerMWh ?? 0 });
      produced = addSafe(produced, row.energyWh, 'producedWh');
    }
  }
  const prices = intervalPrices(terms.rule, outputs);
  // P2P-PR1: without a price a derived rule matches nothing and charges nothing.
  const matched = prices.producerPerMWh === null ? 0 : Math.min(produced, consumed);
  const covered = largestRemainder(matched, usages);
  const sold = largestRemainder(
    matched,
    outputs.map((o) => o.outputWh),
  );

  const final = previous?.final === true;
  const kind: EntryKind = !previous ? 'settlement' : final ? 'adjustment' : 'resettlement';
  const version = !previous ? 1 : final ? previous.version : previous.version + 1;
  const adjustmentNo = final ? previous.adjustmentNo + 1 : (previous?.adjustmentNo ?? 0);
  const unit = BigInt(terms.billingUnitWh);
  const consumerPrice = BigInt(prices.consumerPerMWh ?? 0);
  const producerPrice = BigInt(prices.producerPerMWh ?? 0);

  const positions = new Map<string, MemberPosition>();
  const lines: SettlementLine[] = [];
  const entries: LedgerEntry[] = [];
  let charges = 0;
  let credits = 0;
  let accruedFee = 0;
  let feeCarry = args.feeCarry;
  let nextConsumer = 0;
  let nextProducer = 0;
  for (const row of inputs) {
    const before = previous?.positions.get(row.id) ?? EMPTY_POSITION(row.role);
    const energyWh = row.energyWh ?? 0;
    let matchedWh = 0;
    if (row.energyWh !== null) matchedWh = row.role === 'consumer' ? covered[nextConsumer++] : sold[nextProducer++];
    let basisWh: number;
    let units = 0;
    let billedWh = 0;
    let exactMicro: bigint;
    if (row.role === 'consumer') {
      basisWh = terms.billedEnergy === 'matched' ? matchedWh : energyWh;
      const basisDelta = basisWh - before.basisWh;
      if (terms.billingUnitWh === 1) {
        units = basisDelta;
        billedWh = basisDelta;
        exactMicro = BigInt(basisWh) * consumerPrice - before.exactMicro;
      } else if (basisDelta !== 0) {
        // P2P-S7 with U > 1: the delta goes through the consumer's unit carry, priced at this version's π_c.
        const account = ledger.consumer(row.id);
        const step = floorWithCarry(BigInt(account.unitCarryWh), BigInt(basisDelta), unit);
        account.unitCarryWh = Number(step.carry);
        units = toSafeNumber(step.part, `units of ${row.id}`);
        billedWh = units * terms.billingUnitWh;
        exactMicro = BigInt(billedWh) * consumerPrice;
      } else {
        exactMicro = 0n;
      }
    } else {
      basisWh = matchedWh;
      exactMicro = terms.allocation === 'per-interval' ? BigInt(matchedWh) * producerPrice - before.exactMicro : 0n;
    }
    const energyDelta = energyWh - before.energyWh;
    const matchedDelta = matchedWh - before.matchedWh;
    const posts = !previous
      ? row.status !== 'missing'
      : energyDelta !== 0 || matchedDelta !== 0 || basisWh !== before.basisWh || exactMicro !== 0n;
    let entry: LedgerEntry | null = null;
    if (posts) {
      const draft: EntryDraft = {
        memberId: row.id,
        role: row.role,
        kind,
        intervalStart,
        version: final ? null : version,
        adjustmentNo: final ? adjustmentNo : null,
        energyWh: energyDelta,
        matchedWh: matchedDelta,
        billedWh,
        units,
        exactMicro,
      };
      entry = ledger.post(draft, { runNo: run.runNo, postedAt: run.settledAt });
      entries.push(entry);
      if (row.role === 'consumer') {
        charges = addSafe(charges, entry.amount, 'charges');
        if (terms.allocation === 'all-time-share') {
          const step = floorWithCarry(feeCarry, BigInt(entry.amount) * BigInt(terms.poolGridShareBps), BPS);
          feeCarry = step.carry;
          accruedFee = addSafe(accruedFee, toSafeNumber(step.part, 'accrued fee'), 'accrued fee');
        }
      } else {
        credits = addSafe(credits, entry.amount, 'credits');
      }
    }
    positions.set(row.id, {
      role: row.role,
      energyWh,
      matchedWh,
      basisWh,
      billedWh: before.billedWh + billedWh,
      units: before.units + units,
      exactMicro: before.exactMicro + exactMicro,
      amount: before.amount + (entry?.amount ?? 0),
    });
    lines.push({
      id: row.id,
      role: row.role,
      status: row.status,
      energyWh: row.energyWh,
      matchedWh: row.energyWh === null ? null : matchedWh,
      billedWh: entry?.billedWh ?? 0,
      units: entry?.units ?? 0,
      amount: entry?.amount ?? 0,
      entryId: entry?.entryId ?? null,
    });
  }

  const gaps = inputs
    .filter((row) => row.status !== 'present')
    .map((row) => row.id)
    .sort(compareIds);
  const common = {
    gridId: terms.gridId,
    intervalStart,
    intervalEnd: intervalStart + terms.intervalMs,
    settledAt: run.settledAt,
    asOf: run.asOf,
    runNo: run.runNo,
    profile: terms.profile,
    rule: terms.rule,
    inputsHash: hash,
    inputs: [...inputs],
    prices,
    totals: {
      producedWh: produced,
      consumedWh: consumed,
      matchedWh: matched,
      importWh: consumed - matched,
      exportWh: produced - matched,
    },
    lines,
    // P2P-S4: the balancing line, or in the pool model the accrued fee.
    gridLine: terms.allocation === 'per-interval' ? charges - credits : accruedFee,
    complete: gaps.length === 0,
    gaps,
  };
  const record: SettlementRecord = final
    ? {
        type: 'settlement.adjustment',
        ceId: `${terms.gridId}:${intervalStart}:a${adjustmentNo}`,
        value: { ...common, adjustmentNo, basedOn: previous.latestRecord, reason: 'inputs-changed' },
      }
    : {
        type: 'settlement.interval',
        ceId: `${terms.gridId}:${intervalStart}:v${version}`,
        value: { ...common, version, supersedes: previous ? previous.version : null },
      };
  return {
    record,
    entries,
    feeCarry,
    state: {
      intervalStart,
      version,
      adjustmentNo,
      final,
      inputsHash: hash,
      latestRecord: final ? `a${adjustmentNo}` : `v${version}`,
      positions,
    },
  };
}

/** P2P-S8: the marker written by the run that makes a settled interval final. */
export function finaliseInterval(
  state: IntervalSettlementState,
  gridId: string,
  finalisedAt: number,
): {
  record: { type: 'settlement.finalised'; ceId: string; value: SettlementFinalisedRecord };
  state: IntervalSettlementState;
} {
  return {
    record: {
      type: 'settlement.finalised',
      ceId: `${gridId}:${state.intervalStart}:final`,
      value: { gridId, intervalStart: state.intervalStart, version: state.version, finalisedAt },
    },
    state: { ...state, final: true },
  };
}
