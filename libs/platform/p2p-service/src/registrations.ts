import { REGISTRATION_ID, SIDE_KEY, STREAM_KEY, sameSideKeyHash, sideKeyHash } from '@flexgrid/protocol-p2p';
import type { Pool, PoolClient } from 'pg';
import { type Queryable } from './queryable';
import { invalidParameter, operatorTokenRequired, P2PHttpError, sideKeyFailure, unknownRegistration } from './errors';
import { channelStore } from './channel-store';
import { type RegistrationRow, registrationStore, streamKeyOf } from './registration-store';

/** A `PUT /registration/:id` as the handler read it: fields from the body (winning) or the query. */
export interface RegistrationRequest {
  id: string;
  /** `registrationId` as given in the body and in the query, if at all (check 1). */
  idsGiven: unknown[];
  itemName: unknown;
  itemType: unknown;
  root: unknown;
  sideKey: unknown;
  /** The `X-Side-Key` header: the old secret when the secret changes (check 6). */
  headerSideKey: string | undefined;
  /** The request carried the operator token (checks 7 and 10). */
  operator: boolean;
}

export interface RegistrationAnswer {
  root?: string;
  sideKey?: string;
}

/** §12.4 `GET /registration/:id`: never the secret. */
export interface RegistrationView {
  id: string;
  itemName: string | null;
  itemType: string | null;
  role: string | null;
  root: string;
  hasSecret: boolean;
  hasReturnChannel: boolean;
  status: 'active' | 'deregistered';
  createdAt: number;
  updatedAt: number;
}

/** What a service's registrations mean: the roles, their streams, and the service's own effects (§12.1). */
export interface RegistrationPolicy<R extends string, Tx extends { client: PoolClient }> {
  /** The stream role an item type gives, or null for a member without a stream (§12.1). */
  roleOf(itemType: string | null): R | null;
  /** The topic a role's stream is on (check 9 is per topic, check 10 waits for its hello there). */
  topicOf(role: R): string;
  /** Check 8: a stored type of this role may not change (the grid's settlement roles). */
  typeLocked(role: R): boolean;
  /** A role that gets the grid's return channel (P2P-CH5). */
  hasReturnChannel(role: R | null): boolean;
  /** The fields a successful PUT answers besides the envelope. */
  answer(row: RegistrationRow<R>): RegistrationAnswer;
  /** Runs the work in one transaction, the service's way (its domain learns of the change in it). */
  transact<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** After the row is stored: the service's own effects in the same transaction; true if it enqueued records. */
  stored(
    tx: Tx,
    row: RegistrationRow<R>,
    change: { reactivated: boolean; opensReturnChannel: boolean },
  ): Promise<boolean>;
  /** After a deregistration is stored (§12.3 effects); true if it enqueued records. */
  deregistered(tx: Tx, row: RegistrationRow<R>, at: number): Promise<boolean>;
}

export interface RegistrationsOptions<R extends string, Tx extends { client: PoolClient }> {
  pool: Pool;
  policy: RegistrationPolicy<R, Tx>;
  helloWaitMs: number;
  /**
   * `P2P_REGISTRATION_REQUIRES_OPERATOR`: new registrations need the operator token (§12), and so do changes to and
   * deletions of a registration that holds no secret, which nothing else protects (§12.2 check 6, §12.3 check 4).
   */
  registrationRequiresOperator: boolean;
  now: () => number;
  /** Wakes the outbox relay after a commit that enqueued records. */
  published: () => void;
}

/** Check 2/3: absent, null or "" = not given; else a string of 1…max characters after trim. */
function textField(value: unknown, name: string, max: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidParameter(name);
  const trimmed = value.trim();
  if (trimmed.length < 1 || trimmed.length > max) throw invalidParameter(name);
  return trimmed;
}

function keyField(value: unknown, name: string, pattern: RegExp): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) throw invalidParameter(name);
  return value;
}

function proves(secretHash: string, sideKey: string | undefined): boolean {
  return sideKey !== undefined && sameSideKeyHash(sideKeyHash(sideKey), secretHash);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a valid PUT does, decided before anything is stored. */
interface RegistrationPlan<R extends string> {
  row: RegistrationRow<R>;
  changed: boolean;
  /** The stream is bound with proof anew: a matching hello must have been seen (check 10). */
  helloNeeded: { topic: string; streamKey: string; hash: string } | null;
  reactivated: boolean;
  opensReturnChannel: boolean;
}

/**
 * The registration API's rules (§12.2, §12.3) over the stores: checks in order, the first failure answers and
 * nothing is stored; effects and their records commit together.
 */
export class Registrations<R extends string, Tx extends { client: PoolClient }> {
  private readonly policy: RegistrationPolicy<R, Tx>;

  constructor(private readonly options: RegistrationsOptions<R, Tx>) {
    this.policy = options.policy;
  }

  async put(request: RegistrationRequest): Promise<RegistrationAnswer> {
    const { pool } = this.options;
    let plan = await this.plan(pool, request, await registrationStore.find<R>(pool, request.id));
    if (!plan.changed) return this.policy.answer(plan.row);
    if (plan.helloNeeded) await this.awaitHello(plan.helloNeeded);
    let enqueued = false;
    const row = await this.policy
      .transact(async (tx) => {
        const { client } = tx;
        // Planned again on the locked row: a concurrent PUT may have changed it while the hello was awaited.
        plan = await this.plan(client, request, await registrationStore.find<R>(client, request.id, 'update'));
        if (!plan.changed) return plan.row;
        const needed = plan.helloNeeded;
        if (needed && (await channelStore.latestHello(client, needed.topic, needed.streamKey)) !== needed.hash)
          throw new P2PHttpError(
            409,
            "Unable to initialise mam channel for item, could not find initial 'hello' command.",
          );
        await registrationStore.upsert(client, plan.row);
        if (plan.reactivated) await registrationStore.openPeriod(client, plan.row.id, plan.row.updatedAt);
        enqueued = await this.policy.stored(tx, plan.row, plan);
        return plan.row;
      })
      .catch(async (error: unknown) => {
        // The partial unique index guards check 9 against a concurrent PUT of another id on the same stream, which
        // committed first: it is the holder now.
        const role = plan.row.role;
        const { code, constraint } = error as { code?: string; constraint?: string };
        // (An embedded database may not name the constraint; the stream's index is then the one unique row.)
        const streamIndex = constraint === undefined || constraint === 'registrations_active_stream';
        if (code !== '23505' || !streamIndex || !role) throw error;
        const streamKey = streamKeyOf(plan.row);
        const holder = await registrationStore.holderOf(pool, role, streamKey);
        // Deregistered again meanwhile: the channel is free, and the client may simply retry.
        if (holder === undefined) throw new P2PHttpError(409, `Channel '${streamKey}' was registered concurrently.`);
        throw new P2PHttpError(409, `Channel '${streamKey}' is already registered to '${holder}'.`);
      });
    if (enqueued) this.options.published();
    return this.policy.answer(row);
  }

  async get(id: string): Promise<RegistrationView> {
    if (!REGISTRATION_ID.test(id)) throw invalidParameter('registrationId');
    const row = await registrationStore.find(this.options.pool, id);
    if (!row || row.status !== 'active') throw unknownRegistration(id);
    return {
      id: row.id,
      itemName: row.itemName,
      itemType: row.itemType,
      role: row.role,
      root: streamKeyOf(row),
      hasSecret: row.sideKeyHash !== null,
      hasReturnChannel: row.hasReturnChannel,
      status: row.status,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** §12.3; `operator`: the request carried the operator token. */
  async delete(id: string, sideKey: string, operator = false): Promise<void> {
    if (!REGISTRATION_ID.test(id)) throw invalidParameter('registrationId');
    if (!SIDE_KEY.test(sideKey)) throw invalidParameter('sideKey');
    const { now } = this.options;
    const enqueued = await this.policy.transact(async (tx) => {
      const { client } = tx;
      const row = await registrationStore.find<R>(client, id, 'update');
      if (!row || row.status !== 'active') throw unknownRegistration(id);
      if (row.sideKeyHash !== null && !proves(row.sideKeyHash, sideKey)) throw sideKeyFailure(id);
      if (row.sideKeyHash === null && !operator && this.options.registrationRequiresOperator)
        throw operatorTokenRequired();
      const at = now();
      await registrationStore.upsert(client, {
        ...row,
        status: 'deregistered',
        binding: 'none',
        sideKeyHash: null,
        hasReturnChannel: false,
        updatedAt: at,
      });
      await registrationStore.closePeriod(client, id, at);
      return this.policy.deregistered(tx, row, at);
    });
    if (enqueued) this.options.published();
  }

  /** Checks 1–9 in order against the stored row; check 10 is the caller's (it may wait). */
  /** `db`: the transaction's client when inside one (an embedded database answers one connection at a time). */
  private async plan(
    db: Queryable,
    request: RegistrationRequest,
    stored: RegistrationRow<R> | undefined,
  ): Promise<RegistrationPlan<R>> {
    const { id } = request;
    // 1
    if (!REGISTRATION_ID.test(id) || request.idsGiven.some((given) => given !== undefined && given !== id))
      throw invalidParameter('registrationId');
    // 2, 3
    const itemName = textField(request.itemName, 'itemName', 100);
    const itemType = textField(request.itemType, 'itemType', 50);
    const resultingType = itemType ?? stored?.itemType ?? null;
    const role = this.policy.roleOf(resultingType);
    // 4
    const root = keyField(request.root, 'root', STREAM_KEY);
    if (root !== undefined && role === null) throw invalidParameter('root');
    // 5
    const sideKey = keyField(request.sideKey, 'sideKey', SIDE_KEY);

    const active = stored?.status === 'active';
    if (!active && !request.operator && this.options.registrationRequiresOperator) throw operatorTokenRequired();
    const newHash = sideKey !== undefined ? sideKeyHash(sideKey) : (stored?.sideKeyHash ?? null);
    const secretChanges = sideKey !== undefined && !(stored?.sideKeyHash && proves(stored.sideKeyHash, sideKey));
    const newRoot = root ?? stored?.root ?? null;
    const streamKey = newRoot ?? id;
    const oldStream = stored ? streamKeyOf(stored) : undefined;
    const storedRole = this.policy.roleOf(stored?.itemType ?? null);
    // Fields not given keep their values, and so does a binding while its stream and secret stay: a PUT without the
    // operator token must not undo the operator's binding (it would silently drop the member's data, P2P-CH3).
    const keepsBinding =
      active &&
      role !== null &&
      role === storedRole &&
      streamKey === oldStream &&
      !secretChanges &&
      stored.binding !== 'none';
    const binding: RegistrationRow<R>['binding'] =
      role === null
        ? 'none'
        : request.operator
          ? 'operator'
          : keepsBinding
            ? stored.binding
            : newHash !== null
              ? 'proof'
              : 'none';
    const bindsAnew =
      role !== null &&
      binding === 'proof' &&
      (!active || stored?.binding !== 'proof' || streamKey !== oldStream || secretChanges);
    const changed =
      !active ||
      (itemName !== undefined && itemName !== stored.itemName) ||
      (itemType !== undefined && itemType !== stored.itemType) ||
      newRoot !== stored.root ||
      secretChanges ||
      (role !== null && binding !== stored.binding && !(binding === 'none' && stored.binding === 'none'));

    if (
      changed &&
      active &&
      stored.sideKeyHash === null &&
      !request.operator &&
      this.options.registrationRequiresOperator
    )
      throw operatorTokenRequired();
    // 6
    if (changed && active && stored.sideKeyHash !== null) {
      const proof = secretChanges ? request.headerSideKey : (sideKey ?? request.headerSideKey);
      if (!proves(stored.sideKeyHash, proof)) throw sideKeyFailure(id);
    }
    // 7
    if (root !== undefined && sideKey === undefined && !(active && stored.sideKeyHash) && !request.operator)
      throw invalidParameter('sideKey');
    // 8
    if (
      storedRole !== null &&
      this.policy.typeLocked(storedRole) &&
      itemType !== undefined &&
      itemType !== stored?.itemType
    )
      throw new P2PHttpError(409, `Registration '${id}' cannot change its itemType.`);
    // 9
    if (role !== null) {
      const holder = await registrationStore.holderOf(db, role, streamKey);
      if (holder !== undefined && holder !== id)
        throw new P2PHttpError(409, `Channel '${streamKey}' is already registered to '${holder}'.`);
    }

    const at = this.options.now();
    const returnChannel = this.policy.hasReturnChannel(role);
    const opensReturnChannel = returnChannel && !(active && stored.hasReturnChannel);
    return {
      row: {
        id,
        itemName: itemName ?? stored?.itemName ?? null,
        itemType: resultingType,
        role,
        root: newRoot,
        sideKeyHash: newHash,
        binding,
        status: 'active',
        hasReturnChannel: returnChannel,
        createdAt: stored?.createdAt ?? at,
        updatedAt: changed ? at : (stored?.updatedAt ?? at),
      },
      changed,
      helloNeeded:
        bindsAnew && !request.operator && role !== null && newHash !== null
          ? { topic: this.policy.topicOf(role), streamKey, hash: newHash }
          : null,
      reactivated: !active,
      opensReturnChannel,
    };
  }

  /** Check 10: the hello may still be on its way; wait up to `helloWaitMs` for it. */
  private async awaitHello(needed: { topic: string; streamKey: string; hash: string }): Promise<void> {
    const deadline = this.options.now() + this.options.helloWaitMs;
    for (;;) {
      const hello = await channelStore.latestHello(this.options.pool, needed.topic, needed.streamKey);
      if (hello !== undefined && sameSideKeyHash(hello, needed.hash)) return;
      if (this.options.now() >= deadline)
        throw new P2PHttpError(
          409,
          "Unable to initialise mam channel for item, could not find initial 'hello' command.",
        );
      await sleep(Math.min(100, Math.max(1, deadline - this.options.now())));
    }
  }
}
