/** §7: EiOpt: event opts and availability schedules (OPT-1..OPT-5). */
import {
  classifyCreateOpt,
  eiResponse,
  type OadrCancelOpt,
  type OadrCreateOpt,
  OadrDataError,
  type OadrPayload,
} from '@flexgrid/protocol-openadr';
import { VtnError } from '../errors';
import { optCancelledRecord, optEventResponseRecord, optScheduleRecord } from '../records';
import type { VtnStore } from '../store/store';
import { canonical } from './canonical-json';
import type { VtnContext } from './context';

/** OPT-1..OPT-3, OPT-5. */
export async function createOpt(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  message: OadrCreateOpt,
): Promise<OadrPayload> {
  const now = context.now();
  let opt;
  try {
    opt = classifyCreateOpt(message);
  } catch (error) {
    if (error instanceof OadrDataError) throw VtnError.ei('INVALID_DATA', error.message);
    throw error;
  }
  let eventId: string | null = null;
  let modificationNumber: number | null = null;
  let current = 0;
  if (opt.kind === 'event') {
    const { eventID, modificationNumber: n } = opt.qualifiedEventID;
    const event = await tx.event(eventID);
    const matched = event && (await tx.eventVen(eventID, venId)) !== undefined;
    if (!event || !matched) throw VtnError.ei('INVALID_ID', `unknown eventID ${eventID}`);
    current = event.version.modificationNumber;
    if (n > current) throw VtnError.ei('INVALID_ID', `event ${eventID} has no modificationNumber ${n} yet`);
    eventId = eventID;
    modificationNumber = n;
  }
  const content: Record<string, unknown> = { ...opt };
  delete content.kind;
  const row = {
    venId,
    optId: message.optID,
    kind: opt.kind,
    eventId,
    modificationNumber,
    optType: message.optType,
    optReason: message.optReason,
    content,
    state: 'active' as const,
    receivedAt: now,
  };
  const previous = await tx.opt(venId, message.optID);
  const same =
    previous &&
    previous.state === 'active' &&
    canonical([
      previous.kind,
      previous.eventId,
      previous.modificationNumber,
      previous.optType,
      previous.optReason,
      previous.content,
    ]) === canonical([row.kind, row.eventId, row.modificationNumber, row.optType, row.optReason, row.content]);
  if (!same) {
    await tx.saveOpt(row);
    await tx.publish([
      opt.kind === 'event'
        ? optEventResponseRecord({
            venId,
            eventId: eventId as string,
            modificationNumber: modificationNumber as number,
            currentModificationNumber: current,
            optType: message.optType,
            responseCode: '200',
            source: 'eiOpt',
            optId: message.optID,
            optReason: message.optReason,
            ...(opt.resourceIds && { resourceIds: opt.resourceIds }),
            receivedAt: now,
          })
        : optScheduleRecord(venId, message.optID, message.optType, message.optReason, opt, now),
    ]);
  }
  return { type: 'oadrCreatedOpt', eiResponse: eiResponse('OK', message.requestID), optID: message.optID };
}

/** OPT-4. */
export async function cancelOpt(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  message: OadrCancelOpt,
): Promise<OadrPayload> {
  const previous = await tx.opt(venId, message.optID);
  if (!previous) throw VtnError.ei('INVALID_ID', `unknown optID ${message.optID}`);
  if (previous.state === 'active') {
    await tx.cancelOpt(venId, message.optID);
    await tx.publish([optCancelledRecord(venId, message.optID, previous.eventId ?? undefined, context.now())]);
  }
  return { type: 'oadrCanceledOpt', eiResponse: eiResponse('OK', message.requestID), optID: message.optID };
}
