/**
 * TR-4 steps 9 to 13 for one read message: TR-2, identification (SEC-4), registration state (REG-10),
 * lastSeen (§9), then the handler of its payload, all-or-nothing (TR-3).
 */
import {
  acceptsPayload,
  ANSWER_TYPE,
  eiResponse,
  type EiResponse,
  type OadrMessage,
  type OadrPayload,
  type OadrPayloadType,
  type OadrService,
  requestIdOf,
} from '@flexgrid/protocol-openadr';
import { eiResponseOf, VtnError } from '../errors';
import { venStatusRecord } from '../records';
import type { VenRecord, VtnStore } from '../store/store';
import type { VtnContext } from './context';
import { createdEvent, distribute, settleNeverCancellations } from './events';
import { cancelOpt, createOpt } from './opt';
import {
  cancelPartyRegistration,
  createdPartyRegistration,
  createPartyRegistration,
  queueVtnMetadata,
} from './registration';
import { canceledReport, createdReport, registerReport, updateReport } from './reports';

/** The answer to a VEN: a payload, or a stored queue payload as written; then what to do once it is sent. */
export interface OadrAnswer {
  readonly payload: OadrPayload | string;
  /** Runs once the HTTP response is completely written (Q-2 no-reply acks, EV-13 for `never` events). */
  readonly afterWrite?: () => Promise<void>;
}

/** What the transport knows about the sender. */
export interface Peer {
  /** SEC-3 fingerprint of the client certificate; undefined in dev mode (SEC-6). */
  readonly fingerprint?: string;
}

/**
 * The payload TR-3 answers a refused message with: its answer type, carrying the eiResponse, and the
 * fields that type requires.
 */
export function refusalAnswer(
  context: VtnContext,
  type: OadrPayloadType,
  response: EiResponse,
  venID: string | undefined,
  optID?: string,
): OadrPayload {
  const answer = ANSWER_TYPE[type] ?? 'oadrResponse';
  const ven = venID !== undefined ? { venID } : {};
  switch (answer) {
    case 'oadrCreatedPartyRegistration':
      return { ...createdPartyRegistration(context, response.requestID, undefined), eiResponse: response };
    case 'oadrDistributeEvent':
      return { type: answer, eiResponse: response, requestID: context.newId(), vtnID: context.settings.vtnId };
    case 'oadrCreatedOpt':
      return { type: answer, eiResponse: response, optID: optID ?? '' };
    case 'oadrCanceledOpt':
      return { type: answer, eiResponse: response, ...(optID !== undefined && { optID }) };
    case 'oadrCreatedReport':
    case 'oadrCanceledReport':
      return { type: answer, eiResponse: response, oadrPendingReports: [], ...ven };
    case 'oadrRegisteredReport':
    case 'oadrUpdatedReport':
    case 'oadrCanceledPartyRegistration':
      return { type: answer, eiResponse: response, ...ven };
    default:
      return { type: 'oadrResponse', eiResponse: response, ...ven };
  }
}

function venIdOf(payload: OadrPayload): string | undefined {
  return 'venID' in payload && typeof payload.venID === 'string' ? payload.venID : undefined;
}

function optIdOf(payload: OadrPayload): string | undefined {
  return 'optID' in payload && typeof payload.optID === 'string' ? payload.optID : undefined;
}

/** 403 for services other than EiRegisterParty (SEC-4). */
const forbidden = (reason: string) => VtnError.http(403, 'Forbidden', reason);
const unregistered = (reason: string) => VtnError.ei('NOT_REGISTERED_OR_AUTHORIZED', reason);

export class Vtn {
  constructor(private readonly context: VtnContext) {}

  /** Steps 9 to 13. Throws VtnError for HTTP refusals (403, 503…); protocol refusals are answers. */
  async handle(service: OadrService, message: OadrMessage, peer: Peer): Promise<OadrAnswer> {
    const { payload } = message;
    if (message.signed) this.context.metrics.signedPayloads.inc();
    const requestID = requestIdOf(payload) ?? '';
    const venID = venIdOf(payload);
    if (!acceptsPayload(service, payload.type))
      return {
        payload: {
          type: 'oadrResponse',
          eiResponse: eiResponse('COMPLIANCE_ERROR', requestID, `${payload.type} is not taken by ${service}`),
          ...(venID !== undefined && { venID }),
        },
      };
    try {
      return await this.dispatch(service, payload, peer, requestID);
    } catch (error) {
      if (error instanceof VtnError && error.code.kind === 'ei') {
        const answerVen = error.code.name === 'NOT_REGISTERED_OR_AUTHORIZED' ? undefined : venID;
        return {
          payload: refusalAnswer(
            this.context,
            payload.type,
            eiResponseOf(error, requestID),
            answerVen,
            optIdOf(payload),
          ),
        };
      }
      throw error;
    }
  }

  /** SEC-4 (TLS) or the payload's venID (dev mode): the VEN the message comes from, if any. */
  private async identify(service: OadrService, venID: string | undefined, peer: Peer): Promise<VenRecord | undefined> {
    const { store, settings } = this.context;
    const register = service === 'EiRegisterParty';
    // The poll path's view of the VEN (DB-3) serves every service but EiRegisterParty, which changes it.
    const known = async (venId: string) =>
      register
        ? store.ven(venId)
        : (await store.pollView(venId, this.context.now(), settings.redeliveryAfter * 1000))?.ven;
    if (!settings.tls) return venID !== undefined ? known(venID) : undefined;
    const fingerprint = peer.fingerprint;
    if (fingerprint === undefined) throw forbidden('no client certificate');
    if (venID === undefined) {
      const owner = await store.venByFingerprint(fingerprint);
      if (!owner && !register) throw unregistered('no VEN is bound to this certificate');
      return owner;
    }
    const ven = await known(venID);
    if (ven) {
      if (ven.fingerprint === fingerprint) return ven;
      if (register) {
        if (ven.fingerprint !== null) throw unregistered(`VEN ${venID} has another certificate`);
        return ven; // REG-3 decides (auto-accept binds, allow-list refuses)
      }
      throw forbidden(`the certificate does not belong to VEN ${venID}`);
    }
    const owner = await store.venByFingerprint(fingerprint);
    if (owner) {
      if (register) throw unregistered('this certificate belongs to another VEN');
      throw forbidden('this certificate belongs to another VEN');
    }
    return undefined;
  }

  private async dispatch(
    service: OadrService,
    payload: OadrPayload,
    peer: Peer,
    requestID: string,
  ): Promise<OadrAnswer> {
    const context = this.context;
    const venID = venIdOf(payload);
    if (payload.type === 'oadrPoll') return this.poll(payload.venID, peer);
    const ven = await this.identify(service, venID, peer);
    if (service === 'EiRegisterParty') return this.registerParty(payload, ven, peer, requestID);
    // REG-10 for everything else.
    if (!ven) {
      if (venID === undefined && !context.settings.tls)
        throw VtnError.ei('INVALID_ID', 'the venID is required without client certificates');
      throw unregistered(`VEN ${venID ?? ''} is not registered`);
    }
    if (ven.registration !== 'active') {
      if (payload.type === 'oadrResponse') return { payload: this.ok(requestID, ven) };
      throw unregistered(`VEN ${ven.venId} has no active registration`);
    }
    await this.touch(ven);
    return this.handleRegistered(payload, ven, requestID);
  }

  private ok(requestID: string, ven: VenRecord | undefined): OadrPayload {
    return { type: 'oadrResponse', eiResponse: eiResponse('OK', requestID), ...(ven && { venID: ven.venId }) };
  }

  /** ON-1/ON-3. */
  private async touch(ven: VenRecord): Promise<void> {
    const now = this.context.now();
    if (ven.online) return this.context.lastSeen.note(ven.venId, now, ven.lastSeen);
    await this.context.store.transaction(async (tx) => {
      const flipped = await tx.touch(ven.venId, now);
      if (flipped)
        await tx.publish([
          venStatusRecord('online', {
            venId: flipped.venId,
            venName: flipped.venName,
            registrationId: flipped.registrationId,
            at: now,
            lastSeen: now,
            pollFreqSeconds: flipped.advertisedPollSeconds,
          }),
        ]);
    });
    this.context.published();
  }

  private async registerParty(
    payload: OadrPayload,
    ven: VenRecord | undefined,
    peer: Peer,
    requestID: string,
  ): Promise<OadrAnswer> {
    const context = this.context;
    switch (payload.type) {
      case 'oadrQueryRegistration':
        // REG-1: IDs only for a VEN identified by its certificate with an active registration.
        return { payload: createdPartyRegistration(context, requestID, context.settings.tls ? ven : undefined) };
      case 'oadrCreatePartyRegistration':
        return { payload: await createPartyRegistration(context, payload, peer.fingerprint) };
      case 'oadrCancelPartyRegistration': {
        if (!ven || ven.registrationId === null) throw unregistered('the VEN is not registered');
        const answer = await context.store.transaction(async (tx) =>
          cancelPartyRegistration(context, tx, (await tx.ven(ven.venId, true)) as VenRecord, payload),
        );
        context.published();
        return { payload: answer };
      }
      case 'oadrCanceledPartyRegistration':
        // REG-8: the VEN's answer to our cancellation, whatever its code.
        if (ven)
          await context.store.transaction((tx) =>
            tx.ack(ven.venId, ['oadrCancelPartyRegistration'], context.now(), () => true),
          );
        return { payload: this.ok(requestID, ven) };
      default:
        // oadrResponse: REG-9's ack of an oadrRequestReregistration.
        if (ven)
          await context.store.transaction((tx) =>
            tx.ack(ven.venId, ['oadrRequestReregistration'], context.now(), () => true),
          );
        return { payload: this.ok(requestID, ven) };
    }
  }

  private async handleRegistered(payload: OadrPayload, ven: VenRecord, requestID: string): Promise<OadrAnswer> {
    const context = this.context;
    const venId = ven.venId;
    if (payload.type === 'oadrRequestEvent') return this.requestEvent(ven, requestID, payload.replyLimit);
    const answer = await context.store.transaction(async (tx): Promise<OadrPayload> => {
      switch (payload.type) {
        case 'oadrCreatedEvent':
          await createdEvent(context, tx, venId, payload);
          return this.ok(requestID, ven);
        case 'oadrCreateOpt':
          return createOpt(context, tx, venId, payload);
        case 'oadrCancelOpt':
          return cancelOpt(context, tx, venId, payload);
        case 'oadrRegisterReport':
          return registerReport(context, tx, venId, payload);
        case 'oadrCreatedReport':
          await createdReport(context, tx, venId, payload);
          return this.ok(requestID, ven);
        case 'oadrUpdateReport':
          return updateReport(context, tx, venId, payload);
        case 'oadrCanceledReport':
          await canceledReport(context, tx, venId, payload.eiResponse.requestID);
          return this.ok(requestID, ven);
        case 'oadrCreateReport':
          return this.createReport(tx, ven, payload.requestID, payload.oadrReportRequest);
        case 'oadrCancelReport':
          throw VtnError.ei('INVALID_ID', 'the VTN offers no reports to cancel');
        case 'oadrRegisteredReport': {
          await tx.ack(
            venId,
            ['oadrRegisterReport'],
            context.now(),
            (item) => item.requestId === payload.eiResponse.requestID,
          );
          if (payload.oadrReportRequest?.length) throw VtnError.ei('INVALID_ID', 'the VTN offers no reports');
          return this.ok(requestID, ven);
        }
        default:
          // oadrResponse and oadrUpdatedReport: acknowledgements of nothing the VTN waits for.
          return this.ok(requestID, ven);
      }
    });
    context.published();
    return { payload: answer };
  }

  /** RP-17: a VEN may only ask for the VTN's METADATA. */
  private async createReport(
    tx: VtnStore,
    ven: VenRecord,
    requestID: string,
    requests: readonly { reportRequestID: string; reportSpecifier: { reportSpecifierID: string } }[],
  ): Promise<OadrPayload> {
    const metadata = requests.find((r) => r.reportSpecifier.reportSpecifierID === 'METADATA');
    if (!metadata || requests.length > 1) throw VtnError.ei('INVALID_ID', 'the VTN offers only its METADATA report');
    await queueVtnMetadata(this.context, tx, ven.venId, metadata.reportRequestID);
    return {
      type: 'oadrCreatedReport',
      eiResponse: eiResponse('OK', requestID),
      oadrPendingReports: [],
      venID: ven.venId,
    };
  }

  /** EV-16. */
  private async requestEvent(ven: VenRecord, requestID: string, replyLimit?: number): Promise<OadrAnswer> {
    const context = this.context;
    // Without a transaction: the reads and the few writes are each idempotent, and a repeat costs no write.
    const now = context.now();
    const result = await distribute(context, context.store, ven.venId, now, requestID, replyLimit);
    if (!result.truncated) await context.store.supersede(ven.venId, 'events', now);
    return {
      payload: result.payload,
      afterWrite: () => settleNeverCancellations(context, ven.venId, result.settlesOnWrite),
    };
  }

  /** Q-2, after REG-10; the empty poll costs one query (DB-3) plus the coalesced lastSeen write. */
  private async poll(venId: string, peer: Peer): Promise<OadrAnswer> {
    const context = this.context;
    const { store, settings } = context;
    const now = context.now();
    const view = await store.pollView(venId, now, settings.redeliveryAfter * 1000);
    const ven = view?.ven;
    if (settings.tls) {
      if (peer.fingerprint === undefined) throw forbidden('no client certificate');
      if (ven && ven.fingerprint !== peer.fingerprint)
        throw forbidden(`the certificate does not belong to VEN ${venId}`);
      if (!ven && (await store.venByFingerprint(peer.fingerprint)))
        throw forbidden('this certificate belongs to another VEN');
    }
    const reregister: OadrPayload = { type: 'oadrRequestReregistration', venID: venId };
    if (!ven) {
      if (settings.registrationPolicy === 'auto-accept') return { payload: reregister };
      throw unregistered(`VEN ${venId} is not registered`);
    }
    if (ven.registration === 'none') return { payload: reregister };
    if (ven.registration === 'cancelled') {
      const cancel = view?.due ? await this.deliverNext(ven, now, ['oadrCancelPartyRegistration']) : undefined;
      if (cancel) return cancel;
      throw unregistered(`VEN ${venId} has no active registration`);
    }
    await this.touch(ven);
    const next = view?.due ? await this.deliverNext(ven, now) : undefined;
    return next ?? { payload: { type: 'oadrResponse', eiResponse: eiResponse('OK', ''), venID: venId } };
  }

  private async deliverNext(ven: VenRecord, now: number, only?: readonly string[]): Promise<OadrAnswer | undefined> {
    const context = this.context;
    const { settings } = context;
    const delivery = await context.store.transaction(async (tx) => {
      for (const item of await tx.openItems(ven.venId)) {
        if (only && !only.includes(item.kind)) continue;
        if (item.state === 'in-flight') {
          if ((item.lastDeliveredAt ?? 0) + settings.redeliveryAfter * 1000 > now) continue;
          if (item.attempts >= settings.maxDeliveries) {
            await tx.settle(item.id, 'expired', now);
            context.metrics.queueExpired.inc();
            context.logger.warn({ venId: ven.venId, item: item.id, kind: item.kind }, 'queue item expired (Q-4)');
            continue;
          }
        }
        const claimed = await tx.claim(item.id, now);
        if (claimed.kind !== 'distribute')
          return { itemId: claimed.id, payload: claimed.payload as string, expectsReply: true, settles: [] };
        const distribution = await distribute(context, tx, ven.venId, now);
        return {
          itemId: claimed.id,
          payload: distribution.payload as OadrPayload | string,
          expectsReply: distribution.expectsReply,
          settles: distribution.settlesOnWrite,
        };
      }
      return undefined;
    });
    if (!delivery) return undefined;
    return {
      payload: delivery.payload,
      afterWrite: async () => {
        if (!delivery.expectsReply)
          await context.store.transaction((tx) => tx.settle(delivery.itemId, 'acked', context.now()));
        await settleNeverCancellations(context, ven.venId, delivery.settles);
      },
    };
  }
}
