import { createConversation } from './conversation';
import type { ConversationState } from './conversation-state';
import type { Frame } from './frame';
import {
  frbc,
  handshake,
  handshakeResponse,
  instructionStatusUpdate,
  powerMeasurement,
  resourceManagerDetails,
  selectControlType,
  sessionRequest,
  uuid,
} from './messages.test-util';
import { script } from './script.test-util';

const details = resourceManagerDetails(['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE']);
const description = frbc.systemDescription([{ id: 'heater', modes: ['off', 'on'] }]);
const instruction = frbc.instruction('i1', 'heater', 'on');
const frames = script()
  .rmOk(handshake('RM')) // 1, 2
  .cemOk(handshake('CEM', null)) // 3, 4
  .cemOk(handshakeResponse()) // 5, 6
  .rmOk(details) // 7, 8
  .cemOk(selectControlType('FILL_RATE_BASED_CONTROL')) // 9, 10
  .rmOk(description) // 11, 12
  .rmOk(frbc.actuatorStatus('heater', 'off')) // 13, 14
  .rmOk(frbc.storageStatus(50)) // 15, 16
  .cem(instruction) // 17, answered at 20
  .rmOk(powerMeasurement()) // 18, 19
  .answer('RM', instruction) // 20
  .rmOk(instructionStatusUpdate(uuid('i1'), 'STARTED')) // 21, 22
  .rmOk(sessionRequest('TERMINATE')).frames; // 23, 24

/** The state after every frame, and after end(). */
function snapshots(input: Frame[]): ConversationState[] {
  const conversation = createConversation();
  const states = input.map((frame) => {
    conversation.push(frame);
    return conversation.state();
  });
  conversation.end();
  return [...states, conversation.state()];
}

describe('readable state (§8)', () => {
  const states = snapshots(frames);
  const after = (seq: number) => states[seq - 1] as ConversationState;

  it('starts empty', () => {
    expect(createConversation().state()).toEqual({
      phase: 'handshake',
      handshake: { rm: null, cem: null, response: null },
      selectedProtocolVersion: null,
      resourceManagerDetails: null,
      activeControlType: 'NO_SELECTION',
      controlTypeHistory: [],
      systemDescription: null,
      powerProfiles: {},
      powerConstraints: {},
      energyConstraints: {},
      statuses: {},
      forecasts: {},
      lastPowerMeasurement: null,
      instructions: {},
      openInstructions: [],
      pendingReceptionStatus: [],
      terminated: null,
      summary: {
        frames: 0,
        verdict: 'valid',
        schemaValid: true,
        counts: { error: 0, warning: 0, schema: 0, state: 0, semantic: 0, strict: 0 },
      },
    });
  });

  it('reports the handshake, version and phase step by step', () => {
    expect(after(1).handshake.rm).toEqual({ seq: 1, role: 'RM', supportedProtocolVersions: ['0.0.2-beta'] });
    expect(after(1).pendingReceptionStatus.map((pending) => pending.seq)).toEqual([1]);
    expect(after(2).pendingReceptionStatus).toEqual([]);
    expect(after(3).handshake.cem).toEqual({ seq: 3, role: 'CEM', supportedProtocolVersions: null });
    expect(after(4).phase).toBe('handshake');
    expect(after(5).handshake.response).toEqual({ seq: 5, selectedProtocolVersion: '0.0.2-beta' });
    expect(after(5).selectedProtocolVersion).toBe('0.0.2-beta');
    expect(after(5).phase).toBe('connected');
  });

  it('reports the RMD, active type, system description and statuses per key', () => {
    expect(after(6).resourceManagerDetails).toBeNull();
    expect(after(7).resourceManagerDetails).toEqual({ seq: 7, message: details });
    expect(after(8).activeControlType).toBe('NO_SELECTION');
    expect(after(9).activeControlType).toBe('FILL_RATE_BASED_CONTROL');
    expect(after(9).phase).toBe('controlled');
    expect(after(11).systemDescription).toEqual({
      seq: 11,
      messageType: 'FRBC.SystemDescription',
      message: description,
    });
    expect(Object.keys(after(13).statuses)).toEqual([`actuator:${uuid('heater')}`]);
    expect(Object.keys(after(15).statuses)).toEqual([`actuator:${uuid('heater')}`, 'storage']);
  });

  it('reports open instructions, pending answers, the last measurement and termination', () => {
    expect(after(17).instructions).toEqual({
      [uuid('i1')]: { seq: 17, messageType: 'FRBC.Instruction', status: null, statusSeq: null },
    });
    expect(after(17).openInstructions).toEqual([uuid('i1')]);
    expect(after(18).pendingReceptionStatus.map(({ seq, side, messageType }) => [seq, side, messageType])).toEqual([
      [17, 'CEM', 'FRBC.Instruction'],
      [18, 'RM', 'PowerMeasurement'],
    ]);
    expect(after(19).pendingReceptionStatus.map((pending) => pending.seq)).toEqual([17]);
    expect(after(19).lastPowerMeasurement?.seq).toBe(18);
    expect(after(21).instructions[uuid('i1')]).toMatchObject({ status: 'STARTED', statusSeq: 21 });
    expect(after(23).phase).toBe('terminated');
    expect(after(23).terminated).toEqual({ seq: 23, side: 'RM', request: 'TERMINATE' });
    expect(states[states.length - 1]?.phase).toBe('ended');
  });

  it('reports the summary at every step', () => {
    expect(states.map((state) => state.summary.frames)).toEqual([...frames.map((_frame, i) => i + 1), frames.length]);
    expect(states.every((state) => state.summary.verdict === 'valid' && state.summary.schemaValid)).toBe(true);
  });

  it('is deterministic and JSON-serialisable: the same frames give the same snapshots', () => {
    const again = snapshots(frames.map((frame) => ({ ...frame })));
    expect(JSON.stringify(again)).toBe(JSON.stringify(states));
    expect(JSON.parse(JSON.stringify(states))).toEqual(states);
  });

  it('changes only for applied messages: a rejected message leaves it as it was', () => {
    const rejected = selectControlType('POWER_PROFILE_BASED_CONTROL');
    const conversation = createConversation();
    for (const frame of frames.slice(0, 16)) conversation.push(frame);
    const before = conversation.state();
    conversation.push({ t: 1000, direction: 'cem->rm', message: rejected });
    const after = conversation.state();
    const applied = (state: ConversationState) => ({ ...state, summary: null, pendingReceptionStatus: null });
    expect(applied(after)).toEqual(applied(before));
    expect(after.pendingReceptionStatus.map((pending) => pending.seq)).toEqual([17]);
  });

  it('keeps wire ids such as __proto__ as plain data', () => {
    const odd = { ...frbc.instruction('x', 'heater', 'on'), id: '__proto__' };
    const conversation = createConversation({ strictUuid: false });
    for (const frame of [...frames.slice(0, 16), { t: 1000, direction: 'cem->rm', message: odd } as const])
      conversation.push(frame);
    const state = conversation.state();
    expect(Object.keys(state.instructions)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(state.instructions)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(state.instructions))).toEqual(
      JSON.parse('{"__proto__":{"seq":17,"messageType":"FRBC.Instruction","status":null,"statusSeq":null}}'),
    );
  });
});

describe('lastPowerMeasurement() (§8: only applied messages go downstream)', () => {
  it('is the state’s lastPowerMeasurement after every frame, with or without a measurement that was not applied', () => {
    // A measurement before the handshake is S2-HS-FIRST, not applied; the one at seq 18 is applied.
    const early: Frame = { t: 0, direction: 'rm->cem', message: powerMeasurement() };
    const shifted = frames.map((frame) => ({ ...frame }));
    const conversation = createConversation();
    for (const frame of [early, ...shifted]) {
      conversation.push(frame);
      expect(conversation.lastPowerMeasurement()).toEqual(conversation.state().lastPowerMeasurement);
    }
    expect(conversation.lastPowerMeasurement()?.seq).toBe(19);
  });
});

describe('keepFindings: false (a caller that stores each push’s findings itself)', () => {
  it('returns each finding from push and end and counts it in the summary, but keeps none for findings()', () => {
    const kept = createConversation();
    const unkept = createConversation({ keepFindings: false });
    // Measurements before any Handshake: one finding each, and the last one stays unanswered.
    const input: Frame[] = [1, 2, 3].map((t) => ({ t, direction: 'rm->cem', message: powerMeasurement() }));
    const pushed = input.map((frame) => [kept.push(frame), unkept.push(frame)]);
    for (const [fromKept, fromUnkept] of pushed) {
      expect(fromUnkept).toEqual(fromKept);
      expect(fromUnkept?.length).toBeGreaterThan(0);
    }
    expect(unkept.end()).toEqual(kept.end());
    expect(unkept.state()).toEqual(kept.state());
    expect(kept.findings()).toHaveLength(kept.state().summary.counts.error + kept.state().summary.counts.warning);
    expect(unkept.findings()).toEqual([]);
  });
});
