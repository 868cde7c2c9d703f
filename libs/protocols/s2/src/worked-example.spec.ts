import { analyzeTranscript } from './transcript';
import {
  frbc,
  handshake,
  handshakeResponse,
  ombc,
  powerMeasurement,
  receptionStatus,
  resourceManagerDetails,
  selectControlType,
  sessionRequest,
  uuid,
} from './messages.test-util';
import { script, withoutDetail } from './script.test-util';

/** RULES.md §13, with UUIDs for the shortened ids (so strict mode adds nothing, as §13 says). */
describe('RULES §13 worked example (OMBC)', () => {
  const id = (name: string) => uuid(name);
  const frames = script()
    .cem(handshake('CEM', ['0.0.2-beta'], id('c1')), 0)
    .rm(receptionStatus(id('c1')), 3)
    .rm(handshake('RM', ['0.0.2-beta'], id('r1')), 10)
    .cem(receptionStatus(id('r1')), 12)
    .cem(handshakeResponse('0.0.2-beta', id('c2')), 20)
    .rm(receptionStatus(id('c2')), 21)
    .rm(
      resourceManagerDetails(
        ['OPERATION_MODE_BASED_CONTROL', 'NOT_CONTROLABLE'],
        ['ELECTRIC.POWER.3_PHASE_SYMMETRIC'],
        id('r2'),
      ),
      30,
    )
    .cem(receptionStatus(id('r2')), 31)
    .cem(selectControlType('OPERATION_MODE_BASED_CONTROL', id('c3')), 40)
    .rm(receptionStatus(id('c3')), 41)
    .rm(ombc.status('eco', undefined, id('r3')), 50)
    .cem(receptionStatus(id('r3'), 'INVALID_CONTENT'), 52)
    .rm(ombc.systemDescription(['eco', 'boost'], ['tm'], id('r4')), 60)
    .cem(receptionStatus(id('r4')), 62)
    .cem(ombc.instruction('i1', 'turbo', id('c4')), 70)
    .rm(receptionStatus(id('c4'), 'INVALID_CONTENT'), 72)
    .rm(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 1200]], id('r5')), 80)
    .cem(receptionStatus(id('r5')), 6100)
    .rm(frbc.storageStatus(52.5, id('r6')), 6200)
    .rm(sessionRequest('TERMINATE', id('r7')), 6210)
    .cem(receptionStatus(id('r7')), 6215);

  it('gives exactly the findings of §13: four errors and one warning', () => {
    const { findings } = frames.run({ rsTimeoutMs: 5000 });
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 11, rule: 'S2-SEM-PRECONDITION', level: 'semantic', severity: 'error', path: '/message_type' },
      { seq: 15, rule: 'S2-SEM-REF', level: 'semantic', severity: 'error', path: '/operation_mode_id' },
      { seq: 18, rule: 'S2-RS-LATE', level: 'state', severity: 'warning', path: '/subject_message_id' },
      { seq: 19, rule: 'S2-CT-NOT-ACTIVE', level: 'state', severity: 'error', path: '/message_type' },
      { seq: 19, rule: 'S2-RS-MISSING', level: 'state', severity: 'error', path: '/message_id' },
    ]);
    expect(findings[2]?.detail).toContain('6020 ms');
  });

  it('reports S2-RS-MISSING only at the end, and the final state of §13', () => {
    const { live, state } = frames.run();
    expect(live.map((f) => f.rule)).toEqual([
      'S2-SEM-PRECONDITION',
      'S2-SEM-REF',
      'S2-RS-LATE',
      'S2-CT-NOT-ACTIVE',
      'S2-RS-MISSING',
    ]);
    expect(state.summary).toEqual({
      frames: 21,
      verdict: 'invalid',
      schemaValid: true,
      counts: { error: 4, warning: 1, schema: 0, state: 3, semantic: 2, strict: 0 },
    });
    expect(state.phase).toBe('ended');
    expect(state.activeControlType).toBe('OPERATION_MODE_BASED_CONTROL');
    expect(state.statuses['device']?.seq).toBe(11);
    expect(state.openInstructions).toEqual([id('i1')]);
    expect(state.terminated).toEqual({ seq: 20, side: 'RM', request: 'TERMINATE' });
    expect(state.pendingReceptionStatus).toEqual([]);
    expect(state.systemDescription?.seq).toBe(13);
    expect(state.controlTypeHistory).toEqual([{ seq: 9, from: 'NO_SELECTION', to: 'OPERATION_MODE_BASED_CONTROL' }]);
  });

  it('gives the same result through analyzeTranscript', () => {
    const lines = frames.frames.map((frame, i) => ({ seq: i + 1, ...frame }));
    const result = analyzeTranscript(lines);
    expect(result.verdict).toBe('invalid');
    expect(result.schemaValid).toBe(true);
    expect(result.findings).toEqual(frames.run().findings);
  });
});
