import { P2PError } from '../errors';
import { floorWithCarry } from '../units/rounding';
import { addSafe, toSafeNumber } from '../units/units';

/** The two settlement roles (§12.1). */
export type Role = 'producer' | 'consumer';

export type EntryKind = 'settlement' | 'resettlement' | 'adjustment';

/** P2P-L1: one append-only ledger entry; energies and amounts are deltas (P2P-S7). */
export interface LedgerEntry {
  /** `<memberId>:<seq>`. */
  entryId: string;
  seq: number;
  memberId: string;
  role: Role;
  kind: EntryKind;
  intervalStart: number;
  version: number | null;
  adjustmentNo: number | null;
  /** Usage (consumer) or output (producer). */
  energyWh: number;
  /** Covered (consumer) or sold (producer). */
  matchedWh: number;
  billedWh: number;
  units: number;
  /** The exact amount in micro-units (minor × 10⁻⁶), before R1. */
  exactMicro: bigint;
  amount: number;
  postedAt: number;
  runNo: number;
}

/** A consumer's running balances (§10.1) and its R1 carries. */
export interface ConsumerAccount {
  role: 'consumer';
  id: string;
  seq: number;
  /** R1 carry of money in micro-units, `0 ≤ c < 10⁶`. */
  moneyCarryMicro: bigint;
  /** R1 carry of billing units in Wh, `0 ≤ c < billingUnitWh`. */
  unitCarryWh: number;
  usageWh: number;
  billedWh: number;
  charged: number;
  requested: number;
  /** Allocated sent payments. */
  paid: number;
  /** Allocated confirmed payments. */
  confirmed: number;
  /** The number of payment requests issued (their `seq`). */
  requestSeq: number;
  /** The last entry `seq` a payment request covered. */
  requestedThroughSeq: number;
}

/** A producer's running balances (§10.1) and its R1 carry. */
export interface ProducerAccount {
  role: 'producer';
  id: string;
  seq: number;
  moneyCarryMicro: bigint;
  outputWh: number;
  soldWh: number;
  credited: number;
  payoutSent: number;
  payoutConfirmed: number;
}

export type MemberAccount = ConsumerAccount | ProducerAccount;

export function newAccount(id: string, role: Role): MemberAccount {
  return role === 'consumer'
    ? {
        role,
        id,
        seq: 0,
        moneyCarryMicro: 0n,
        unitCarryWh: 0,
        usageWh: 0,
        billedWh: 0,
        charged: 0,
        requested: 0,
        paid: 0,
        confirmed: 0,
        requestSeq: 0,
        requestedThroughSeq: 0,
      }
    : { role, id, seq: 0, moneyCarryMicro: 0n, outputWh: 0, soldWh: 0, credited: 0, payoutSent: 0, payoutConfirmed: 0 };
}

/** §10.1 derived consumer balances. */
export function unrequested(account: ConsumerAccount): number {
  return account.charged - account.requested;
}

export function outstanding(account: ConsumerAccount): number {
  return account.requested - account.confirmed;
}

export function payoutPending(account: ProducerAccount): number {
  return account.payoutSent - account.payoutConfirmed;
}

/** §10.1 consumer balances, one read. */
export interface ConsumerBalances {
  role: 'consumer';
  usageWh: number;
  billedWh: number;
  charged: number;
  requested: number;
  unrequested: number;
  paid: number;
  confirmed: number;
  outstanding: number;
}

/** §10.1 producer balances, one read; `cumOutputWh` and `share` come from the pool's view (P2P-L5). */
export interface ProducerBalances {
  role: 'producer';
  outputWh: number;
  soldWh: number;
  credited: number;
  cumOutputWh: number;
  share: { num: number; den: number } | null;
  payoutSent: number;
  payoutConfirmed: number;
  payoutPending: number;
}

export type MemberBalances = ConsumerBalances | ProducerBalances;

export function consumerBalances(account: ConsumerAccount): ConsumerBalances {
  const { usageWh, billedWh, charged, requested, paid, confirmed } = account;
  return {
    role: 'consumer',
    usageWh,
    billedWh,
    charged,
    requested,
    unrequested: unrequested(account),
    paid,
    confirmed,
    outstanding: outstanding(account),
  };
}

export function producerBalances(
  account: ProducerAccount,
  pool: { cumOutputWh: number; share: { num: number; den: number } | null },
): ProducerBalances {
  const { outputWh, soldWh, credited, payoutSent, payoutConfirmed } = account;
  return {
    role: 'producer',
    outputWh,
    soldWh,
    credited,
    cumOutputWh: pool.cumOutputWh,
    share: pool.share,
    payoutSent,
    payoutConfirmed,
    payoutPending: payoutPending(account),
  };
}

/** An entry as JSON carries its exact amount as decimal text: JSON has no BigInt. */
export type LedgerEntryJson = Omit<LedgerEntry, 'exactMicro'> & { exactMicro: string };

function entryToJson(this: LedgerEntry): LedgerEntryJson {
  return { ...this, exactMicro: this.exactMicro.toString() };
}

/** The JSON form of an entry (also what `JSON.stringify` writes for the ledger's entries). */
export function ledgerEntryJson(entry: LedgerEntry): LedgerEntryJson {
  return entryToJson.call(entry);
}

/** What a settlement posts for one member; the ledger adds seq, id, the R1 amount and the timestamps. */
export type EntryDraft = Omit<LedgerEntry, 'entryId' | 'seq' | 'amount' | 'postedAt' | 'runNo'>;

const MICRO = 1_000_000n;

/**
 * The members' accounts and the entries posted to them. Entries are posted in run order; each member's money
 * integer comes from R1 along its own entry sequence (P2P-R1, S4), so the member's cumulative amount stays
 * within one minor unit of the exact total.
 */
export class Ledger {
  private readonly accounts = new Map<string, MemberAccount>();

  constructor(accounts: Iterable<MemberAccount> = []) {
    for (const account of accounts) this.accounts.set(account.id, account);
  }

  /** The member's account, opened on first use. A member keeps its role (§12.2 check 8). */
  account(id: string, role: Role): MemberAccount {
    let account = this.accounts.get(id);
    if (!account) {
      account = newAccount(id, role);
      this.accounts.set(id, account);
    } else if (account.role !== role) {
      throw new P2PError('INVALID_STATE', `member '${id}' is a ${account.role}, not a ${role}.`);
    }
    return account;
  }

  consumer(id: string): ConsumerAccount {
    return this.account(id, 'consumer') as ConsumerAccount;
  }

  producer(id: string): ProducerAccount {
    return this.account(id, 'producer') as ProducerAccount;
  }

  find(id: string): MemberAccount | undefined {
    return this.accounts.get(id);
  }

  all(): MemberAccount[] {
    return [...this.accounts.values()];
  }

  /** Posts one entry: the next `seq`, the amount by R1 (`q` = 10⁶ micro-units) and the §10.1 balances. */
  post(draft: EntryDraft, run: { runNo: number; postedAt: number }): LedgerEntry {
    const account = this.account(draft.memberId, draft.role);
    const step = floorWithCarry(account.moneyCarryMicro, draft.exactMicro, MICRO);
    const amount = toSafeNumber(step.part, `amount of ${draft.memberId}`);
    account.moneyCarryMicro = step.carry;
    account.seq += 1;
    if (account.role === 'consumer') {
      account.usageWh = addSafe(account.usageWh, draft.energyWh, 'usageWh');
      account.billedWh = addSafe(account.billedWh, draft.billedWh, 'billedWh');
      account.charged = addSafe(account.charged, amount, 'charged');
    } else {
      account.outputWh = addSafe(account.outputWh, draft.energyWh, 'outputWh');
      account.soldWh = addSafe(account.soldWh, draft.matchedWh, 'soldWh');
      account.credited = addSafe(account.credited, amount, 'credited');
    }
    const entry: LedgerEntry = {
      entryId: `${account.id}:${account.seq}`,
      seq: account.seq,
      memberId: draft.memberId,
      role: draft.role,
      kind: draft.kind,
      intervalStart: draft.intervalStart,
      version: draft.version,
      adjustmentNo: draft.adjustmentNo,
      energyWh: draft.energyWh,
      matchedWh: draft.matchedWh,
      billedWh: draft.billedWh,
      units: draft.units,
      exactMicro: draft.exactMicro,
      amount,
      postedAt: run.postedAt,
      runNo: run.runNo,
    };
    // Not enumerable, so entries still compare and spread as plain data.
    Object.defineProperty(entry, 'toJSON', { value: entryToJson, enumerable: false });
    return entry;
  }
}
