import {
  FRAME_TOO_LARGE,
  HEARTBEAT_TIMEOUT,
  INVALID_UTF8,
  PARENT_DISCONNECTED,
  REFUSAL_CLOSE_CODES,
  SEND_BUFFER_OVERFLOW,
  SHUTTING_DOWN,
  TOO_MANY_ERRORS,
} from './close-codes';

describe('close codes (PM-ERR-2)', () => {
  it.each([
    ['4408 on lost liveness (§9 D8)', HEARTBEAT_TIMEOUT, { code: 4408, reason: 'Heartbeat timeout' }],
    ['4410 when the parent concentrator goes', PARENT_DISCONNECTED, { code: 4410, reason: 'Parent disconnected' }],
    ['1008 on an exceeded error budget', TOO_MANY_ERRORS, { code: 1008, reason: 'Too many errors' }],
    ['1008 on a slow consumer', SEND_BUFFER_OVERFLOW, { code: 1008, reason: 'Send buffer overflow' }],
    ['1009 without a reason on an oversized frame', FRAME_TOO_LARGE, { code: 1009, reason: '' }],
    ['1007 without a reason on invalid UTF-8', INVALID_UTF8, { code: 1007, reason: '' }],
    ['1001 on service stop', SHUTTING_DOWN, { code: 1001, reason: 'Shutting down' }],
  ])('PM-ERR-2: %s', (_, close, expected) => {
    expect(close).toEqual(expected);
  });

  it('PM-ERR-2: handshake refusals close with the §7.2 codes', () => {
    expect(REFUSAL_CLOSE_CODES).toEqual({
      INVALID_PARAMETER: 4400,
      UNAUTHORIZED: 4401,
      FORBIDDEN: 4403,
      UNKNOWN_PARENT: 4404,
      DUPLICATE_AGENT: 4409,
    });
  });
});
