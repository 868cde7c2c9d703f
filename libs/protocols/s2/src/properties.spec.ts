import fc from 'fast-check';
import { createConversation } from './conversation';
import { compareFindings, type Finding, RULES } from './finding';
import type { Frame } from './frame';
import {
  frbc,
  handshake,
  handshakeResponse,
  instructionStatusUpdate,
  type Message,
  ombc,
  powerMeasurement,
  ppbc,
  receptionStatus,
  resourceManagerDetails,
  revokeObject,
  selectControlType,
  sessionRequest,
  uuid,
} from './messages.test-util';
import { connected } from './script.test-util';
import { analyzeTranscript, exportTranscript } from './transcript';

/** Messages that make sense in some order: random sequences of them reach every phase and rule. */
const POOL: Message[] = [
  handshake('RM'),
  handshake('CEM'),
  handshake('RM', null, 'short'),
  handshakeResponse(),
  handshakeResponse('9.9'),
  resourceManagerDetails(['FILL_RATE_BASED_CONTROL', 'OPERATION_MODE_BASED_CONTROL']),
  selectControlType('FILL_RATE_BASED_CONTROL'),
  selectControlType('OPERATION_MODE_BASED_CONTROL'),
  selectControlType('NOT_CONTROLABLE'),
  frbc.systemDescription([{ id: 'heater', modes: ['off', 'on'], timers: ['t'] }]),
  frbc.actuatorStatus('heater', 'on'),
  frbc.instruction('i1', 'heater', 'on'),
  ombc.systemDescription(['idle']),
  ppbc.powerProfileDefinition('p', { c: ['s'] }),
  instructionStatusUpdate(uuid('i1'), 'STARTED'),
  revokeObject('FRBC.Instruction', uuid('i1')),
  powerMeasurement([['HEAT.TEMPERATURE', 60]]),
  powerMeasurement(),
  sessionRequest('TERMINATE'),
];
const STATUSES = [
  'OK',
  'INVALID_DATA',
  'INVALID_MESSAGE',
  'INVALID_CONTENT',
  'TEMPORARY_ERROR',
  'PERMANENT_ERROR',
  'ACCEPTED',
];
const DIRECTIONS = ['rm->cem', 'cem->rm'] as const;

/** Replace one member anywhere in a message with an arbitrary JSON value (or drop it). */
function mutate(message: Message, pathChoice: number, replacement: unknown, drop: boolean): unknown {
  const copy = structuredClone(message);
  const containers: Array<Record<string, unknown> | unknown[]> = [];
  const collect = (value: unknown) => {
    if (typeof value === 'object' && value !== null) {
      containers.push(value as Record<string, unknown>);
      Object.values(value).forEach(collect);
    }
  };
  collect(copy);
  const target = containers[pathChoice % containers.length] as Record<string, unknown> | unknown[];
  const keys = Object.keys(target);
  const key = keys[pathChoice % Math.max(keys.length, 1)] ?? '0';
  if (Array.isArray(target)) target.splice(Number(key), 1, ...(drop ? [] : [replacement]));
  else if (drop) delete target[key];
  else target[key] = replacement;
  return copy;
}

const poolMessage = fc.nat(POOL.length - 1).map((i) => POOL[i] as Message);
const answer = fc
  .record({
    subject: fc.oneof(
      fc.constantFrom(...POOL.map((m) => m['message_id'] as string)),
      fc.constant('00000000-0000-0000-0000-000000000000'),
      fc.string(),
    ),
    status: fc.constantFrom(...STATUSES),
  })
  .map(({ subject, status }) => receptionStatus(subject, status));
const mutated = fc
  .tuple(poolMessage, fc.nat(), fc.jsonValue(), fc.boolean())
  .map(([message, at, value, drop]) => mutate(message, at, value, drop));

/** One frame's content: mostly meaningful messages, some mutated, some garbage. */
const content = fc.oneof(
  { weight: 6, arbitrary: poolMessage.map((message) => ({ message })) },
  { weight: 4, arbitrary: answer.map((message) => ({ message })) },
  { weight: 2, arbitrary: mutated.map((message) => ({ message })) },
  { weight: 1, arbitrary: fc.jsonValue().map((message) => ({ message })) },
  { weight: 1, arbitrary: fc.string().map((text) => ({ text })) },
  {
    weight: 1,
    arbitrary: poolMessage.chain((m) =>
      fc.nat(JSON.stringify(m).length).map((cut) => ({ text: JSON.stringify(m).slice(0, cut) })),
    ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((binary) => ({ binary })) },
);

const frames: fc.Arbitrary<Frame[]> = fc
  .array(fc.tuple(content, fc.constantFrom(...DIRECTIONS), fc.nat(6000)), { maxLength: 40 })
  .map((items) => {
    let t = 0;
    return items.map(([body, direction, step]) => {
      t += step;
      return { t, direction, ...body } as Frame;
    });
  });

function checkInvariants(findings: Finding[]): void {
  expect([...findings].sort(compareFindings)).toEqual(findings);
  const keys = findings.map((f) => `${f.seq} ${f.rule}`);
  expect(new Set(keys).size).toBe(keys.length);
  const malformed = findings.filter((f) => {
    const rule = RULES[f.rule];
    const pathOk = f.rule === 'S2-JSON' ? f.path === undefined : typeof f.path === 'string' && f.path.startsWith('/');
    return (
      !rule ||
      rule.level !== f.level ||
      rule.severity !== f.severity ||
      !pathOk ||
      f.detail === '' ||
      /[\n\r\u2028\u2029]/.test(f.detail)
    );
  });
  expect(malformed).toEqual([]);
}

describe('properties (fast-check)', () => {
  it('random frames, mutated messages, truncated JSON and binary frames never make push throw; findings stay sorted and unique', () => {
    fc.assert(
      fc.property(frames, (input) => {
        const conversation = createConversation();
        const live = input.flatMap((frame) => conversation.push(frame));
        live.push(...conversation.end());
        const all = conversation.findings();
        checkInvariants(all);
        expect([...live].sort(compareFindings)).toEqual(all);
        expect(conversation.state().summary.frames).toBe(input.length);
      }),
      { numRuns: 300 },
    );
  });

  it("a conversation's findings do not depend on how it is pushed: observed in between, as text or parsed, or via a transcript", () => {
    fc.assert(
      fc.property(frames, fc.array(fc.nat(), { maxLength: 5 }), (input, observations) => {
        const plain = createConversation();
        for (const frame of input) plain.push(frame);
        plain.end();
        const observed = createConversation();
        input.forEach((frame, i) => {
          observed.push(frame);
          if (observations.includes(i)) {
            observed.state(frame.t + 10_000);
            observed.findings();
          }
        });
        observed.end();
        expect(observed.findings()).toEqual(plain.findings());
        expect(JSON.stringify(observed.state())).toBe(JSON.stringify(plain.state()));
        // The same frames as wire text instead of parsed values, and through an exported transcript.
        const asText = createConversation();
        for (const frame of input)
          asText.push(
            'message' in frame
              ? { t: frame.t, direction: frame.direction, text: JSON.stringify(frame.message) }
              : frame,
          );
        asText.end();
        expect(asText.findings()).toEqual(plain.findings());
        expect(analyzeTranscript(exportTranscript(input)).findings).toEqual(plain.findings());
      }),
      { numRuns: 150 },
    );
  });

  it('deep nesting never throws: as text, as a parsed message, and in a retried body', () => {
    const depth = 50_000;
    const deepText = `{"message_type":"PowerMeasurement","message_id":"${uuid('deep')}","values":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const deep = JSON.parse(deepText) as Message;
    const conversation = createConversation();
    for (const frame of connected().frames) conversation.push(frame);
    expect(conversation.push({ t: 100, direction: 'rm->cem', text: deepText }).map((f) => f.rule)).toEqual([
      'S2-SCHEMA',
    ]);
    expect(
      conversation.push({ t: 101, direction: 'cem->rm', message: receptionStatus(uuid('deep'), 'TEMPORARY_ERROR') }),
    ).toEqual([]);
    // An identical resend is compared with the kept body, iteratively.
    expect(conversation.push({ t: 102, direction: 'rm->cem', message: deep }).map((f) => f.rule)).toEqual([
      'S2-SCHEMA',
    ]);
    expect(
      conversation.push({ t: 103, direction: 'rm->cem', message: { ...deep, extra: 1 } }).map((f) => f.rule),
    ).toEqual(['S2-ID-DUPLICATE', 'S2-SCHEMA']);
    expect(conversation.push({ t: 104, direction: 'rm->cem', text: '['.repeat(depth) })[0]?.rule).toBe('S2-JSON');
    expect(conversation.end().map((f) => [f.seq, f.rule])).toEqual([[11, 'S2-RS-MISSING']]);
  });

  it('floods (10 000 duplicates, unknown answers and garbage) never throw and yield one finding per frame and rule', () => {
    const conversation = createConversation();
    for (const frame of connected().frames) conversation.push(frame);
    const measurement = powerMeasurement();
    let t = 100;
    for (let i = 0; i < 10_000; i++) {
      conversation.push({ t: t++, direction: 'rm->cem', message: measurement });
      conversation.push({ t: t++, direction: 'cem->rm', message: receptionStatus(uuid(`nothing ${i % 7}`)) });
      conversation.push({ t: t++, direction: 'rm->cem', text: '\u0000' });
    }
    conversation.end();
    const findings = conversation.findings();
    checkInvariants(findings);
    expect(findings.filter((f) => f.rule === 'S2-ID-DUPLICATE')).toHaveLength(9_999);
    expect(findings.filter((f) => f.rule === 'S2-RS-UNKNOWN')).toHaveLength(10_000);
    expect(findings.filter((f) => f.rule === 'S2-JSON')).toHaveLength(10_000);
  });
});
