/*
 * Websocket close codes and reasons (SPEC §7.2 and §7.6, PM-ERR-2). A reason is at most 123 UTF-8 bytes, the
 * limit of a close frame.
 */

export interface CloseInstruction {
  readonly code: number;
  readonly reason: string;
}

export const HEARTBEAT_TIMEOUT: CloseInstruction = { code: 4408, reason: 'Heartbeat timeout' };
export const PARENT_DISCONNECTED: CloseInstruction = { code: 4410, reason: 'Parent disconnected' };
export const TOO_MANY_ERRORS: CloseInstruction = { code: 1008, reason: 'Too many errors' };
export const SEND_BUFFER_OVERFLOW: CloseInstruction = { code: 1008, reason: 'Send buffer overflow' };
/** Closed by the websocket layer itself: no ERROR frame, no reason. */
export const FRAME_TOO_LARGE: CloseInstruction = { code: 1009, reason: '' };
export const INVALID_UTF8: CloseInstruction = { code: 1007, reason: '' };
export const SHUTTING_DOWN: CloseInstruction = { code: 1001, reason: 'Shutting down' };

/** §7.2 handshake refusals: error code → close code. */
export const REFUSAL_CLOSE_CODES = {
  INVALID_PARAMETER: 4400,
  UNAUTHORIZED: 4401,
  FORBIDDEN: 4403,
  UNKNOWN_PARENT: 4404,
  DUPLICATE_AGENT: 4409,
} as const;

export const CLOSE_REASON_MAX_BYTES = 123;

/** `message` cut to at most 123 UTF-8 bytes, never inside a character. */
export function closeReason(message: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(message).length <= CLOSE_REASON_MAX_BYTES) return message;
  let reason = '';
  let bytes = 0;
  for (const character of message) {
    const size = encoder.encode(character).length;
    if (bytes + size > CLOSE_REASON_MAX_BYTES) break;
    reason += character;
    bytes += size;
  }
  return reason;
}
