import { examples, without } from './examples.test-util';
import { catalog, ContractValidator } from './index';

const validator = new ContractValidator(catalog);
const frame = examples['s2.frames']['s2.frame.observed'].data;
const ended = examples['s2.frames']['s2.session.ended'].data;
const observed = (data: unknown) => validator.check('s2.frames', 's2.frame.observed', 'session-13', data);
const end = (data: unknown) => validator.check('s2.frames', 's2.session.ended', 'session-13', data);

describe('s2.frame.observed', () => {
  const withoutMessage = without(frame, 'message');
  const binary = {
    ...withoutMessage,
    seq: 19,
    raw: 'AAEC',
    encoding: 'base64',
    findings: [{ seq: 19, rule: 'S2-JSON', level: 'schema', severity: 'error', detail: 'binary frame' }],
  };

  it('carries a frame that is not JSON as raw text, and a binary one as base64 (§9)', () => {
    expect(observed({ ...withoutMessage, raw: '{"message_type": "Pow', findings: [] })).toEqual({ ok: true });
    expect(observed(binary)).toEqual({ ok: true });
  });

  it('carries any JSON value as message, the non-objects included (S2-JSON frames)', () => {
    expect(
      observed({
        ...frame,
        message: [1, 2],
        findings: [{ seq: 11, rule: 'S2-JSON', level: 'schema', severity: 'error', detail: 'not an object' }],
      }),
    ).toEqual({
      ok: true,
    });
  });

  it('holds exactly one of message and raw', () => {
    expect(observed({ ...frame, raw: '{}' })).toEqual({
      ok: false,
      reason: 's2.frame.observed data / must match exactly one schema in oneOf, but matches 2',
    });
    expect(observed(withoutMessage)).toEqual({
      ok: false,
      reason:
        "s2.frame.observed data / must match exactly one schema in oneOf: / must have required property 'message' or / must have required property 'raw'",
    });
    expect(observed({ ...frame, encoding: 'base64' })).toEqual({
      ok: false,
      reason: 's2.frame.observed data / must have property raw when property encoding is present',
    });
  });

  it('knows only the two directions and integer receipt times (§1)', () => {
    expect(observed({ ...frame, direction: 'rm-cem' })).toEqual({
      ok: false,
      reason: 's2.frame.observed data /direction must be one of "rm->cem", "cem->rm"',
    });
    expect(observed({ ...frame, t: 50.5 })).toEqual({ ok: false, reason: 's2.frame.observed data /t must be integer' });
  });

  it('accepts only the closed rule set of §5.4 (§3.4)', () => {
    const finding = frame.findings[0];
    const result = observed({ ...frame, findings: [{ ...finding, rule: 'S2-OPERATION-MODE-FACTOR' }] });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.reason).toMatch(
      /^s2.frame.observed data \/findings\/0\/rule must be one of "S2-JSON", "S2-SCHEMA", /,
    );
  });

  it('refuses a finding severity or level outside §3.2 and a path that is not a JSON Pointer', () => {
    const finding = frame.findings[0];
    expect(observed({ ...frame, findings: [{ ...finding, severity: 'info' }] })).toEqual({
      ok: false,
      reason: 's2.frame.observed data /findings/0/severity must be one of "error", "warning"',
    });
    expect(observed({ ...frame, findings: [{ ...finding, level: 'error' }] })).toEqual({
      ok: false,
      reason: 's2.frame.observed data /findings/0/level must be one of "schema", "state", "semantic", "strict"',
    });
    expect(observed({ ...frame, findings: [{ ...finding, path: 'values/1/commodity_quantity' }] })).toEqual({
      ok: false,
      reason: 's2.frame.observed data /findings/0/path must match format "json-pointer"',
    });
  });

  it('requires the findings list, empty for a clean frame', () => {
    const noFindings = without(frame, 'findings');
    expect(observed(noFindings)).toEqual({
      ok: false,
      reason: "s2.frame.observed data / must have required property 'findings'",
    });
    expect(observed({ ...frame, findings: [] })).toEqual({ ok: true });
  });
});

describe('s2.session.ended', () => {
  it('carries the §8 state with its phase, control type and summary', () => {
    expect(end({ ...ended, state: { ...ended.state, phase: 'closed' } })).toEqual({
      ok: false,
      reason:
        's2.session.ended data /state/phase must be one of "handshake", "connected", "controlled", "terminated", "ended"',
    });
    expect(end({ ...ended, state: { ...ended.state, activeControlType: 'OMBC' } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^s2.session.ended data \/state\/activeControlType must be one of "POWER_ENVELOPE_BASED_CONTROL"/,
      ),
    });
    expect(end({ ...ended, state: { ...ended.state, summary: { ...ended.state.summary, verdict: 'ok' } } })).toEqual({
      ok: false,
      reason: 's2.session.ended data /state/summary/verdict must be one of "valid", "invalid"',
    });
  });

  it('keys statuses as §8 says', () => {
    const statuses = {
      'actuator:a1': ended.state.statuses['device'],
      'timer:a1/t1': ended.state.statuses['device'],
      'container:p1/c1': ended.state.statuses['device'],
    };
    expect(end({ ...ended, state: { ...ended.state, statuses } })).toEqual({ ok: true });
    const bad = end({ ...ended, state: { ...ended.state, statuses: { actuator: ended.state.statuses['device'] } } });
    expect(bad.ok === false && bad.reason).toMatch(/^s2.session.ended data \/state\/statuses must match pattern/);
  });

  it('refuses an instruction status outside InstructionStatus and a missing handshake side that is not null', () => {
    const instructions = { i1: { seq: 15, messageType: 'OMBC.Instruction', status: 'DONE', statusSeq: 16 } };
    expect(end({ ...ended, state: { ...ended.state, instructions } })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^s2.session.ended data \/state\/instructions\/i1\/status must be one of "NEW"/),
    });
    const noRm = without(ended.state.handshake, 'rm');
    expect(end({ ...ended, state: { ...ended.state, handshake: noRm } })).toEqual({
      ok: false,
      reason: "s2.session.ended data /state/handshake must have required property 'rm'",
    });
    expect(end({ ...ended, state: { ...ended.state, handshake: { ...ended.state.handshake, rm: null } } })).toEqual({
      ok: true,
    });
  });
});
