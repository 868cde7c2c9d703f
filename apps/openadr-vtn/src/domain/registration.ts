/** §4: EiRegisterParty: query, create (REG-2..REG-6), VEN and VTN cancellation (REG-7, REG-8), REG-9. */
import {
  eiResponse,
  type OadrCancelPartyRegistration,
  type OadrCreatePartyRegistration,
  type OadrCreatedPartyRegistration,
  type OadrPayload,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';
import { VtnError } from '../errors';
import { venStatusRecord } from '../records';
import type { VenRecord, VtnStore } from '../store/store';
import type { VtnContext } from './context';
import { fullState, rematchVen } from './events';

/** REG-5: the VEN's provisioned pollFreq, else OADR_POLL_FREQ. */
export function pollFreqOf(context: VtnContext, ven: VenRecord | undefined): number {
  return ven?.pollFreqSeconds ?? context.settings.pollFreq;
}

/** oadrCreatedPartyRegistration: vtnID, one 2.0b/simpleHttp profile and the poll frequency, also on errors. */
export function createdPartyRegistration(
  context: VtnContext,
  requestID: string,
  ven: VenRecord | undefined,
  error?: VtnError,
): OadrCreatedPartyRegistration {
  const identified = !error && ven?.registration === 'active' && ven.registrationId !== null;
  return {
    type: 'oadrCreatedPartyRegistration',
    eiResponse:
      error && error.code.kind === 'ei'
        ? eiResponse(error.code.name, requestID, error.message)
        : eiResponse('OK', requestID),
    ...(identified && { registrationID: ven.registrationId as string, venID: ven.venId }),
    vtnID: context.settings.vtnId,
    oadrProfiles: [{ oadrProfileName: '2.0b', oadrTransports: ['simpleHttp'] }],
    oadrRequestedOadrPollFreq: pollFreqOf(context, ven),
  };
}

/** REG-3: who the registering VEN is, or 463. */
async function admit(
  context: VtnContext,
  tx: VtnStore,
  venID: string | undefined,
  fingerprint: string | undefined,
): Promise<VenRecord> {
  const { tls, registrationPolicy } = context.settings;
  const refused = (reason: string) => VtnError.ei('NOT_REGISTERED_OR_AUTHORIZED', reason);
  const byV = venID !== undefined ? await tx.ven(venID, true) : undefined;
  if (byV?.removed) throw refused(`VEN ${venID} was removed; it must be provisioned again`);
  if (tls) {
    const byF = await tx.venByFingerprint(fingerprint as string);
    if (byF?.removed) throw refused('the VEN of this certificate was removed');
    if (registrationPolicy === 'allow-list') {
      const ven = venID !== undefined ? byV : byF;
      if (!ven || !ven.provisioned || ven.fingerprint !== fingerprint)
        throw refused('no VEN is provisioned for this certificate');
      return ven;
    }
    if (venID !== undefined) {
      if (byV && byV.fingerprint !== null && byV.fingerprint !== fingerprint)
        throw refused(`VEN ${venID} has another certificate`);
      if (byF && byF.venId !== venID) throw refused('this certificate belongs to another VEN');
      const ven = byV ?? (await tx.createVen(venID, false, {}));
      if (ven.fingerprint === null) await tx.bindFingerprint(ven.venId, fingerprint as string);
      return (await tx.ven(ven.venId, true)) as VenRecord;
    }
    return byF ?? tx.createVen(context.newId(), false, { fingerprint: fingerprint as string });
  }
  if (registrationPolicy === 'allow-list') {
    if (!byV || !byV.provisioned)
      throw refused(venID === undefined ? 'a venID is required' : `VEN ${venID} is not provisioned`);
    return byV;
  }
  return byV ?? tx.createVen(venID ?? context.newId(), false, {});
}

/** REG-2..REG-6. */
export async function createPartyRegistration(
  context: VtnContext,
  message: OadrCreatePartyRegistration,
  fingerprint: string | undefined,
): Promise<OadrPayload> {
  const requestID = message.requestID;
  try {
    const ven = await context.store.transaction(async (tx) => {
      if (message.oadrProfileName !== '2.0b')
        throw VtnError.ei('NOT_ALLOWED', `profile ${message.oadrProfileName} is not offered; use 2.0b`);
      if (message.oadrTransportName !== 'simpleHttp')
        throw VtnError.ei('NOT_ALLOWED', `transport ${message.oadrTransportName} is not offered; use simpleHttp`);
      if (message.oadrHttpPullModel === false) throw VtnError.ei('NOT_ALLOWED', 'only the pull model is offered');
      const admitted = await admit(context, tx, message.venID, fingerprint);
      // REG-4: one registrationID per VEN for its lifetime here.
      let registrationId = admitted.registrationId;
      const asked = message.registrationID;
      if (asked !== undefined && asked !== '') {
        if (registrationId !== null && asked !== registrationId)
          throw VtnError.ei('INVALID_ID', `registrationID ${asked} is not this VEN's`);
        if (registrationId === null) {
          const holder = await tx.venByRegistrationId(asked);
          if (holder && holder.venId !== admitted.venId)
            throw VtnError.ei('INVALID_ID', `registrationID ${asked} belongs to another VEN`);
          registrationId = asked;
        }
      }
      const now = context.now();
      const wasActive = admitted.registration === 'active';
      const ven = await tx.activateRegistration(admitted.venId, {
        registrationId: registrationId ?? context.newId(),
        venName: message.oadrVenName ?? null,
        reportOnly: message.oadrReportOnly,
        xmlSignature: message.oadrXmlSignature,
        transportAddress: message.oadrTransportAddress ?? null,
        advertisedPollSeconds: pollFreqOf(context, admitted),
        fingerprint: fingerprint ?? null,
        now,
      });
      const records = [];
      const facts = {
        venId: ven.venId,
        venName: ven.venName,
        registrationId: ven.registrationId,
        at: now,
        lastSeen: now,
        pollFreqSeconds: ven.advertisedPollSeconds,
      };
      if (!wasActive) records.push(venStatusRecord('registered', facts));
      if (!admitted.online) records.push(venStatusRecord('online', facts));
      await tx.publish(records);
      // REG-9: the new registration settles a request to re-register.
      await tx.ack(ven.venId, ['oadrRequestReregistration'], now, () => true);
      if (!wasActive) await rematchVen(tx, ven.venId, now);
      if ((await fullState(context, tx, ven.venId, now)).events.length > 0) await tx.enqueueDistribute(ven.venId);
      if (context.settings.sendVtnMetadata) await queueVtnMetadata(context, tx, ven.venId);
      return ven;
    });
    context.published();
    return createdPartyRegistration(context, requestID, ven);
  } catch (error) {
    if (error instanceof VtnError && error.code.kind === 'ei')
      return createdPartyRegistration(context, requestID, undefined, error);
    throw error;
  }
}

/** RP-17: the VTN's own (empty) METADATA, through the queue. */
export async function queueVtnMetadata(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  reportRequestID?: string,
): Promise<void> {
  const requestId = context.newId();
  await tx.supersede(venId, 'vtn-metadata', context.now());
  await tx.enqueue(venId, {
    kind: 'oadrRegisterReport',
    supersedeKey: 'vtn-metadata',
    requestId,
    payload: writeOadrPayload({
      type: 'oadrRegisterReport',
      requestID: requestId,
      venID: venId,
      ...(reportRequestID !== undefined && { reportRequestID }),
    }),
  });
}

/** REG-7/REG-8 effects: cancelled, queue purged, report requests cancelled, `deregistered` once. */
export async function deregister(context: VtnContext, tx: VtnStore, ven: VenRecord, reason: string): Promise<void> {
  const now = context.now();
  await tx.supersede(ven.venId, 'all', now);
  const open = (await tx.reportRequests(ven.venId)).filter((r) =>
    ['requested', 'created', 'cancelling'].includes(r.state),
  );
  await tx.setReportRequestState(
    open.map((r) => r.reportRequestId),
    'cancelled',
  );
  if (ven.registration === 'active') {
    await tx.cancelRegistration(ven.venId);
    await tx.publish([
      venStatusRecord('deregistered', {
        venId: ven.venId,
        venName: ven.venName,
        registrationId: ven.registrationId,
        at: now,
        lastSeen: ven.lastSeen,
        reason,
      }),
    ]);
  }
}

/** REG-7: the VEN cancels its registration. */
export async function cancelPartyRegistration(
  context: VtnContext,
  tx: VtnStore,
  ven: VenRecord,
  message: OadrCancelPartyRegistration,
): Promise<OadrPayload> {
  if (message.registrationID !== ven.registrationId)
    return {
      type: 'oadrCanceledPartyRegistration',
      eiResponse: eiResponse(
        'INVALID_ID',
        message.requestID,
        `registrationID ${message.registrationID} is not this VEN's`,
      ),
      venID: ven.venId,
    };
  await deregister(context, tx, ven, 'cancelled by the VEN');
  return {
    type: 'oadrCanceledPartyRegistration',
    eiResponse: eiResponse('OK', message.requestID),
    registrationID: ven.registrationId,
    venID: ven.venId,
  };
}

/** REG-8: the operator cancels (and with `remove`, removes) a VEN; the VEN learns it through its queue. */
export async function cancelRegistrationByVtn(context: VtnContext, venId: string, remove: boolean): Promise<void> {
  await context.store.transaction(async (tx) => {
    const ven = await tx.ven(venId, true);
    if (!ven) throw VtnError.http(404, 'Not found', `no VEN ${venId}`);
    const hadRegistration = ven.registrationId !== null && ven.registration !== 'none';
    await deregister(context, tx, ven, remove ? 'removed by the operator' : 'cancelled by the operator');
    if (remove) await tx.markVenRemoved(venId);
    if (hadRegistration && ven.registration === 'active') {
      const requestId = context.newId();
      await tx.enqueue(venId, {
        kind: 'oadrCancelPartyRegistration',
        supersedeKey: 'registration',
        requestId,
        payload: writeOadrPayload({
          type: 'oadrCancelPartyRegistration',
          requestID: requestId,
          registrationID: ven.registrationId as string,
          venID: venId,
        }),
      });
    }
  });
  context.published();
}

/** REG-9: the operator asks a VEN to register again. */
export async function requestReregistration(context: VtnContext, venId: string): Promise<void> {
  await context.store.transaction(async (tx) => {
    const ven = await tx.ven(venId, true);
    if (!ven) throw VtnError.http(404, 'Not found', `no VEN ${venId}`);
    if (ven.registration !== 'active') throw VtnError.http(409, 'Conflict', `VEN ${venId} has no active registration`);
    await tx.supersede(venId, 'all', context.now());
    await tx.enqueue(venId, {
      kind: 'oadrRequestReregistration',
      supersedeKey: 'registration',
      requestId: context.newId(),
      payload: writeOadrPayload({ type: 'oadrRequestReregistration', venID: venId }),
    });
  });
}
