import { type ConversationOptions, createConversation } from '@flexgrid/protocol-s2';
import type { AnalyzerStore } from '../store/analyzer-store';

/*
 * Sessions a crash or a kill interrupted have stored frames but no end. At start-up each is analysed again from
 * its stored frames and ended on the record (S2-RS-MISSING for what stayed unanswered, §7 P7), so history stays
 * complete and consistent; its socket pair is gone, as after any restart.
 */
export async function endInterruptedSessions(
  store: AnalyzerStore,
  options: ConversationOptions,
  log: { info(fields: object, message: string): void },
): Promise<number> {
  const sessions = await store.unfinished();
  for (const session of sessions) {
    const conversation = createConversation(options);
    let lastSeq = 0;
    let lastAt = session.startedAt;
    for (;;) {
      const frames = await store.frames(session.id, { afterSeq: lastSeq, limit: 2000 });
      if (frames.length === 0) break;
      for (const frame of frames) {
        const { t, direction } = frame;
        conversation.push(
          frame.binary
            ? { t, direction, binary: frame.payload }
            : { t, direction, text: frame.payload.toString('utf8') },
        );
        lastSeq = frame.seq;
        lastAt = frame.receivedAt;
      }
    }
    const findings = conversation.end();
    const state = conversation.state();
    await store.save({
      sessions: [],
      frames: [],
      readings: [],
      samples: [],
      progress: [],
      ends: [
        {
          sessionId: session.id,
          endedAt: lastAt,
          reason: 'the analyzer stopped before the session ended',
          findings,
          state,
        },
      ],
    });
    log.info({ sessionId: session.id, frames: lastSeq }, 'session interrupted by a restart ended on the record');
  }
  return sessions.length;
}
