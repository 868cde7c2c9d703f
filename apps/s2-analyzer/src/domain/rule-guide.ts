import { RULES, type RuleId } from '@flexgrid/protocol-s2';

/*
 * What each rule means for someone debugging an RM or a CEM (RULES.md §5.4: trigger and expected answer), for the
 * debugger page, which holds no protocol knowledge of its own.
 */

const GUIDE: Record<RuleId, { means: string; expectedAnswer: string | null }> = {
  'S2-JSON': {
    means: 'The frame is not one JSON object in a text frame (not JSON, not an object, or binary).',
    expectedAnswer: 'INVALID_DATA with the nil UUID',
  },
  'S2-SCHEMA': {
    means: 'The message does not follow the published S2 JSON Schema of its message_type.',
    expectedAnswer: 'INVALID_MESSAGE (INVALID_DATA with the nil UUID without a usable message_id)',
  },
  'S2-UUID': { means: 'An id is not a UUID; s2-python and s2-rust reject such ids.', expectedAnswer: null },
  'S2-RS-UNKNOWN': {
    means: 'A ReceptionStatus names a message the other side never sent in this session.',
    expectedAnswer: null,
  },
  'S2-RS-DUPLICATE': {
    means: 'A message got a second ReceptionStatus; each message gets exactly one.',
    expectedAnswer: null,
  },
  'S2-RS-LATE': {
    means: 'The ReceptionStatus came later than the timeout after its message (s2-python waits 5 s).',
    expectedAnswer: null,
  },
  'S2-RS-ACCEPTED-INVALID': { means: 'A message that failed its schema was answered OK.', expectedAnswer: null },
  'S2-RS-MISSING': {
    means: 'This message never got a ReceptionStatus before the session ended.',
    expectedAnswer: null,
  },
  'S2-RS-AFTER-PERMANENT': {
    means: 'A message after a PERMANENT_ERROR answer: the session should have been disconnected.',
    expectedAnswer: null,
  },
  'S2-ID-DUPLICATE': { means: 'The sender reused one of its own message_ids.', expectedAnswer: 'INVALID_CONTENT' },
  'S2-AFTER-TERMINATE': {
    means: 'A message after a SessionRequest was applied: only ReceptionStatus may follow.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-DIRECTION': {
    means: 'This side may not send this message type (AsyncAPI publish lists).',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-HS-FIRST': { means: 'A message before the sender’s own Handshake.', expectedAnswer: 'INVALID_CONTENT' },
  'S2-HS-ROLE': { means: 'The Handshake’s role is not the side that sent it.', expectedAnswer: 'INVALID_CONTENT' },
  'S2-HS-VERSIONS': {
    means: 'The RM’s Handshake lists no supported_protocol_versions.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-HS-REPEAT': {
    means: 'A second Handshake from a side, or a second HandshakeResponse.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-HSR-ORDER': { means: 'The HandshakeResponse came before the RM’s Handshake.', expectedAnswer: 'INVALID_CONTENT' },
  'S2-HS-VERSION': {
    means: 'The selected protocol version is not in a side’s supported_protocol_versions.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-HS-INCOMPLETE': {
    means: 'A message before the HandshakeResponse completed the handshake.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-SCT-NO-RMD': { means: 'SelectControlType before any ResourceManagerDetails.', expectedAnswer: 'INVALID_CONTENT' },
  'S2-SCT-UNSUPPORTED': {
    means: 'The selected control type is not in the RM’s available_control_types.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-CT-NOT-ACTIVE': {
    means: 'A message of a control type that is not active (or a revoke or status update with none active).',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-SEM-PRECONDITION': {
    means: 'A status or forecast before its family’s SystemDescription.',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-SEM-REF': {
    means: 'A reference to an id that was never described (actuator, mode, timer, profile, constraint, instruction).',
    expectedAnswer: 'INVALID_CONTENT',
  },
  'S2-SEM-MEASUREMENT': {
    means: 'A measured quantity the ResourceManagerDetails did not announce.',
    expectedAnswer: 'INVALID_CONTENT',
  },
};

export interface RuleGuide {
  rule: RuleId;
  level: string;
  severity: string;
  means: string;
  expectedAnswer: string | null;
}

export function ruleGuide(): RuleGuide[] {
  return (Object.keys(RULES) as RuleId[]).map((rule) => ({ rule, ...RULES[rule], ...GUIDE[rule] }));
}
