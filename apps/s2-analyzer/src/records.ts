import type { ConversationState as StateRecord, MeterReading, S2Frame, S2SessionEnded } from '@flexgrid/contracts';
import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import { type ConversationState, type Finding, transcriptLine } from '@flexgrid/protocol-s2';
import type { MeterReadingRow } from './domain/meter-readings';

/*
 * The Kafka records the analyzer publishes, built from the S2 lib's types and checked against libs/contracts with
 * `satisfies` (DESIGN.md "records"). CloudEvents ids are natural, so a record published twice (after a restart or
 * a lost acknowledgement) is recognisable: `<sessionId>:<seq>`, `<sessionId>:ended`, `<meterId>:<start>-<end>`.
 */

export const SOURCE = 's2-analyzer';

/** A stored or observed frame: the bytes as received. */
export interface FrameOfSession {
  seq: number;
  t: number;
  direction: 'rm->cem' | 'cem->rm';
  /** Epoch ms. */
  receivedAt: number;
  payload: Buffer;
  binary: boolean;
}

export interface SessionIds {
  id: string;
  rmId: string;
  cemId: string;
}

/** A frame as a transcript line carries it (§9). */
export type FrameLine = Pick<S2Frame, 'seq' | 't' | 'direction'> &
  ({ message: unknown } | { raw: string; encoding?: 'base64' });

/** The transcript line of a frame (§9): `message` when its text is JSON, `raw` otherwise, base64 for binary. */
export function frameLine(frame: FrameOfSession): FrameLine {
  const { seq, t, direction } = frame;
  const line = frame.binary
    ? transcriptLine(seq, { t, direction, binary: frame.payload })
    : transcriptLine(seq, { t, direction, text: frame.payload.toString('utf8') });
  return line as FrameLine;
}

/** `s2.frame.observed`: the frame with the findings it raised (S2-RS-MISSING comes with the session's end). */
export function frameObserved(
  session: SessionIds,
  frame: FrameOfSession,
  findings: readonly Finding[],
): OutgoingEvent<S2Frame> {
  const data = {
    sessionId: session.id,
    cemId: session.cemId,
    rmId: session.rmId,
    ...frameLine(frame),
    receivedAt: new Date(frame.receivedAt).toISOString(),
    findings: findings.filter((finding) => finding.rule !== 'S2-RS-MISSING'),
  } satisfies S2Frame;
  return { type: 's2.frame.observed', key: session.id, id: `${session.id}:${frame.seq}`, data, time: data.receivedAt };
}

/** `s2.session.ended`: the findings of the end (S2-RS-MISSING) and the final readable state (§8). */
export function sessionEnded(
  session: SessionIds,
  endedAt: number,
  findings: readonly Finding[],
  state: ConversationState,
  framesLost = 0,
): OutgoingEvent<S2SessionEnded> {
  const data = {
    sessionId: session.id,
    cemId: session.cemId,
    rmId: session.rmId,
    endedAt: new Date(endedAt).toISOString(),
    findings: [...findings],
    state: state as unknown as StateRecord,
    framesLost,
  } satisfies S2SessionEnded;
  return { type: 's2.session.ended', key: session.id, id: `${session.id}:ended`, data, time: data.endedAt };
}

/** `meter.reading` from an applied PowerMeasurement: the span from the meter's previous sample (DESIGN.md). */
export function meterReading(reading: MeterReadingRow): OutgoingEvent<MeterReading> {
  const data = {
    meterId: reading.meterId,
    startTime: reading.startTime,
    endTime: reading.endTime,
    powerW: reading.powerW,
    energyWh: reading.energyWh,
    quality: 'measured',
    source: SOURCE,
    origin: { sessionId: reading.sessionId, seq: reading.seq },
  } satisfies MeterReading;
  return {
    type: 'meter.reading',
    key: reading.meterId,
    id: `${reading.meterId}:${reading.startTime}-${reading.endTime}`,
    data,
  };
}
