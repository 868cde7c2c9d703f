import { NIL_UUID } from './catalog';
import { createConversation } from './conversation';
import { handshake, powerMeasurement, receptionStatus, sessionRequest, uuid } from './messages.test-util';
import { connected, script, withoutDetail } from './script.test-util';

const pm = (name: string, watts = 1000) => powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', watts]], uuid(name));

describe('S2-RS-UNKNOWN', () => {
  const expected = (seq: number) => [
    { seq, rule: 'S2-RS-UNKNOWN', level: 'state', severity: 'error', path: '/subject_message_id' },
  ];

  it('S2-RS-UNKNOWN: a made-up subject; the repaired conversation gives none', () => {
    expect(
      connected()
        .cem(receptionStatus(uuid('never sent')))
        .run()
        .findings.map(withoutDetail),
    ).toEqual(expected(9));
    expect(connected().rmOk(pm('a')).run().findings).toEqual([]);
  });

  it('S2-RS-UNKNOWN: a side answering its own message', () => {
    const { findings } = connected().rm(pm('a')).answer('RM', pm('a')).answer('CEM', pm('a')).run();
    expect(findings.map(withoutDetail)).toEqual(expected(10));
    expect(findings[0]?.detail).toMatch(/which the CEM has not sent/);
  });

  it('S2-RS-UNKNOWN: an answer that arrives before its subject', () => {
    const { findings } = connected().answer('CEM', pm('a')).rm(pm('a')).answer('CEM', pm('a')).run();
    expect(findings.map(withoutDetail)).toEqual(expected(9));
  });

  it('S2-RS-UNKNOWN: the nil UUID with a status other than INVALID_DATA; with INVALID_DATA it is exempt (P3)', () => {
    expect(connected().cem(receptionStatus(NIL_UUID, 'INVALID_MESSAGE')).run().findings.map(withoutDetail)).toEqual(
      expected(9),
    );
    expect(connected().cem(receptionStatus(NIL_UUID, 'INVALID_DATA')).run().findings).toEqual([]);
  });

  it('S2-RS-UNKNOWN: the nil UUID is a normal subject when the other side really sent it', () => {
    const nil = powerMeasurement(undefined, NIL_UUID);
    expect(connected().rm(nil).cem(receptionStatus(NIL_UUID, 'OK')).run().findings).toEqual([]);
  });
});

describe('S2-RS-DUPLICATE', () => {
  it('S2-RS-DUPLICATE: the second of two answers is flagged; one answer gives none', () => {
    const { findings } = connected().rmOk(pm('a')).answer('CEM', pm('a')).run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 11, rule: 'S2-RS-DUPLICATE', level: 'state', severity: 'error', path: '/subject_message_id' },
    ]);
    expect(findings[0]?.detail).toBe(`second ReceptionStatus for '${uuid('a')}', which was already answered`);
    expect(connected().rmOk(pm('a')).run().findings).toEqual([]);
  });

  it('S2-RS-DUPLICATE: each S2-ID-DUPLICATE use allows one more answer, a further one is flagged', () => {
    const { findings } = connected()
      .rmOk(pm('a')) // 9, 10
      .rm(pm('a', 2000)) // 11: S2-ID-DUPLICATE
      .answer('CEM', pm('a'), 'INVALID_CONTENT') // 12: the answer to the rejected use
      .answer('CEM', pm('a')) // 13: one too many
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [11, 'S2-ID-DUPLICATE'],
      [13, 'S2-RS-DUPLICATE'],
    ]);
  });

  it('S2-RS-DUPLICATE: while the first use is unanswered, the first answer closes the first use', () => {
    const { findings, state } = connected()
      .rm(pm('a'))
      .rm(pm('a', 2000))
      .answer('CEM', pm('a'))
      .answer('CEM', pm('a'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[10, 'S2-ID-DUPLICATE']]);
    expect(state.lastPowerMeasurement?.seq).toBe(9);
  });
});

describe('S2-RS-LATE', () => {
  const late = (answerAt: number) => connected().rm(pm('a'), 1000).answer('CEM', pm('a'), 'OK', answerAt);

  it('S2-RS-LATE: an answer at exactly rsTimeoutMs gives no warning', () => {
    expect(late(6000).run({ rsTimeoutMs: 5000 }).findings).toEqual([]);
  });

  it('S2-RS-LATE: an answer at rsTimeoutMs + 1 gives a warning on the answer, which still closes the subject', () => {
    const { findings } = late(6001).run({ rsTimeoutMs: 5000 });
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 10, rule: 'S2-RS-LATE', level: 'state', severity: 'warning', path: '/subject_message_id' },
    ]);
    expect(findings[0]?.detail).toMatch(/5001 ms after it \(limit 5000 ms\)/);
  });

  it('S2-RS-LATE: the default threshold is 5000 ms', () => {
    expect(
      late(6001)
        .run()
        .findings.map((f) => f.rule),
    ).toEqual(['S2-RS-LATE']);
  });
});

describe('S2-RS-ACCEPTED-INVALID', () => {
  const invalid = { ...pm('a'), power: 5 };

  it('S2-RS-ACCEPTED-INVALID: an OK answer to a schema-invalid message; INVALID_MESSAGE gives none beyond S2-SCHEMA', () => {
    const { findings } = connected().rm(invalid).answer('CEM', pm('a'), 'OK').run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 9, rule: 'S2-SCHEMA', level: 'schema', severity: 'error', path: '/power' },
      { seq: 10, rule: 'S2-RS-ACCEPTED-INVALID', level: 'state', severity: 'warning', path: '/status' },
    ]);
    expect(
      connected()
        .rm(invalid)
        .answer('CEM', pm('a'), 'INVALID_MESSAGE')
        .run()
        .findings.map((f) => f.rule),
    ).toEqual(['S2-SCHEMA']);
    expect(connected().rm(pm('a')).answer('CEM', pm('a'), 'OK').run().findings).toEqual([]);
  });

  it('S2-RS-ACCEPTED-INVALID and S2-RS-LATE can sit on the same answer, sorted by rule', () => {
    const { findings } = connected().rm(invalid, 100).answer('CEM', pm('a'), 'OK', 9000).run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [9, 'S2-SCHEMA'],
      [10, 'S2-RS-ACCEPTED-INVALID'],
      [10, 'S2-RS-LATE'],
    ]);
  });
});

describe('S2-RS-MISSING', () => {
  it('S2-RS-MISSING: an unanswered message is flagged at its own seq at end(), not before', () => {
    const conversation = createConversation();
    const frames = connected().rm(pm('a'), 1000).rmOk(pm('b')).frames;
    const live = frames.map((frame) => conversation.push(frame));
    expect(live.flat()).toEqual([]);
    expect(conversation.findings()).toEqual([]);
    const missing = conversation.end();
    expect(missing.map(withoutDetail)).toEqual([
      { seq: 9, rule: 'S2-RS-MISSING', level: 'state', severity: 'error', path: '/message_id' },
    ]);
    expect(missing[0]?.detail).toBe(`PowerMeasurement '${uuid('a')}' got no ReceptionStatus`);
    expect(conversation.findings()).toEqual(missing);
    expect(conversation.end()).toEqual([]);
  });

  it('S2-RS-MISSING: while live the message is pending and becomes overdue once now − t > rsTimeoutMs', () => {
    const conversation = createConversation({ rsTimeoutMs: 5000 });
    for (const frame of connected().rm(pm('a'), 1000).frames) conversation.push(frame);
    const pending = { seq: 9, side: 'RM', messageId: uuid('a'), messageType: 'PowerMeasurement', t: 1000 };
    expect(conversation.state().pendingReceptionStatus).toEqual([{ ...pending, overdue: false }]);
    expect(conversation.state(6000).pendingReceptionStatus).toEqual([{ ...pending, overdue: false }]);
    expect(conversation.state(6001).pendingReceptionStatus).toEqual([{ ...pending, overdue: true }]);
    conversation.end();
    expect(conversation.state().pendingReceptionStatus).toEqual([]);
  });

  it('S2-RS-MISSING: the repaired conversation (answered) gives none; push after end() throws', () => {
    const conversation = createConversation();
    for (const frame of connected().rmOk(pm('a')).frames) conversation.push(frame);
    expect(conversation.end()).toEqual([]);
    expect(() => conversation.push({ t: 9999, direction: 'rm->cem', text: '{}' })).toThrow(/push after end/);
  });
});

describe('S2-RS-AFTER-PERMANENT', () => {
  it('S2-RS-AFTER-PERMANENT: the first message after a PERMANENT_ERROR answer gives one warning only', () => {
    const { findings } = connected()
      .rm(pm('a'))
      .answer('CEM', pm('a'), 'PERMANENT_ERROR')
      .rmOk(pm('b'))
      .rmOk(pm('c'))
      .run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 11, rule: 'S2-RS-AFTER-PERMANENT', level: 'state', severity: 'warning', path: '/message_type' },
    ]);
  });

  it('S2-RS-AFTER-PERMANENT: ReceptionStatus frames after it are not warned; repaired (OK) gives none', () => {
    expect(
      connected().rm(pm('a')).rm(pm('b')).answer('CEM', pm('a'), 'PERMANENT_ERROR').answer('CEM', pm('b')).run()
        .findings,
    ).toEqual([]);
    expect(connected().rmOk(pm('a')).rmOk(pm('b')).run().findings).toEqual([]);
  });

  it('S2-RS-AFTER-PERMANENT: any JSON object counts, even one without a message_type', () => {
    const { findings } = connected()
      .rm(pm('a'))
      .answer('CEM', pm('a'), 'PERMANENT_ERROR')
      .rm({ message_id: uuid('untyped') })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [11, 'S2-RS-AFTER-PERMANENT'],
      [11, 'S2-RS-MISSING'],
      [11, 'S2-SCHEMA'],
    ]);
    expect(findings[0]?.detail).toBe(
      'a message without a string message_type after the PERMANENT_ERROR answer at seq 10: the session should have been disconnected',
    );
  });

  it('S2-RS-AFTER-PERMANENT: a schema-invalid ReceptionStatus with PERMANENT_ERROR counts too', () => {
    const { findings } = connected()
      .rm(pm('a'))
      .cem({ ...receptionStatus(uuid('a'), 'PERMANENT_ERROR'), extra: 1 })
      .rmOk(pm('b'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [10, 'S2-SCHEMA'],
      [11, 'S2-RS-AFTER-PERMANENT'],
    ]);
  });
});

describe('S2-ID-DUPLICATE', () => {
  it('S2-ID-DUPLICATE: a side reuses its id: flagged, not tracked, not applied; repaired (a new id) gives none', () => {
    const { findings, state } = connected().rmOk(pm('a', 1000)).rm(pm('a', 2000)).run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 11, rule: 'S2-ID-DUPLICATE', level: 'state', severity: 'error', path: '/message_id' },
    ]);
    expect(findings[0]?.detail).toMatch(/already used by the RM at seq 9/);
    expect(state.lastPowerMeasurement?.seq).toBe(9);
    expect(connected().rmOk(pm('a', 1000)).rmOk(pm('b', 2000)).run().findings).toEqual([]);
  });

  it('S2-ID-DUPLICATE: the same id used by the other side is not flagged', () => {
    const shared = uuid('shared');
    const { findings } = script()
      .rm(handshake('RM', undefined, shared))
      .answer('CEM', handshake('RM', undefined, shared))
      .cem(handshake('CEM', undefined, shared))
      .answer('RM', handshake('CEM', undefined, shared))
      .run();
    expect(findings).toEqual([]);
  });

  it('S2-ID-DUPLICATE: can sit on a schema-invalid frame together with S2-SCHEMA', () => {
    const { findings } = connected()
      .rmOk(pm('a'))
      .rm({ ...pm('a'), power: 1 })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [11, 'S2-ID-DUPLICATE'],
      [11, 'S2-SCHEMA'],
    ]);
  });
});

describe('ReceptionStatus policies', () => {
  it('P2: a schema-invalid ReceptionStatus (bad status) closes its subject, so there is no S2-RS-MISSING', () => {
    const { findings } = connected().rm(pm('a')).answer('CEM', pm('a'), 'ACCEPTED').run();
    expect(findings.map(withoutDetail)).toEqual([
      { seq: 10, rule: 'S2-SCHEMA', level: 'schema', severity: 'error', path: '/status' },
    ]);
    expect(findings[0]?.detail).toBe("/status 'ACCEPTED' not in ReceptionStatusValues");
  });

  it('P2: a schema-invalid ReceptionStatus counts for S2-RS-DUPLICATE and S2-RS-LATE', () => {
    const { findings } = connected()
      .rm(pm('a'), 100)
      .answer('CEM', pm('a'), 'ACCEPTED', 9000)
      .answer('CEM', pm('a'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [10, 'S2-RS-LATE'],
      [10, 'S2-SCHEMA'],
      [11, 'S2-RS-DUPLICATE'],
    ]);
  });

  it('P2: a ReceptionStatus whose subject is not a string closes nothing', () => {
    const { findings } = connected()
      .rm(pm('a'))
      .cem({ message_type: 'ReceptionStatus', subject_message_id: 5, status: 'OK' })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [9, 'S2-RS-MISSING'],
      [10, 'S2-SCHEMA'],
    ]);
  });

  it('P3: INVALID_DATA with the nil UUID after a message without a usable message_id gives no finding, and neither does its absence', () => {
    const noId = { ...pm('a'), message_id: '#' };
    expect(
      connected()
        .rm(noId)
        .cem(receptionStatus(NIL_UUID, 'INVALID_DATA'))
        .run()
        .findings.map((f) => f.rule),
    ).toEqual(['S2-SCHEMA']);
    expect(
      connected()
        .rm(noId)
        .run()
        .findings.map((f) => f.rule),
    ).toEqual(['S2-SCHEMA']);
  });

  it('P5: TEMPORARY_ERROR, then an identical resend with the same id, is a retry (re-armed and applied)', () => {
    const first = pm('a', 1000);
    const resend = {
      values: first['values'],
      measurement_timestamp: first['measurement_timestamp'],
      message_id: first['message_id'],
      message_type: 'PowerMeasurement',
    };
    const { findings, state } = connected()
      .rm(first)
      .answer('CEM', first, 'TEMPORARY_ERROR')
      .rm(resend, 20_000)
      .answer('CEM', first, 'OK', 20_010)
      .run();
    expect(findings).toEqual([]);
    expect(state.lastPowerMeasurement).toEqual({ seq: 11, t: 20_000, message: resend });
  });

  it('P5: a retry left unanswered is missing at its new seq', () => {
    const first = pm('a');
    const { findings } = connected()
      .rm(first)
      .answer('CEM', first, 'TEMPORARY_ERROR')
      .rm({ ...first })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[11, 'S2-RS-MISSING']]);
  });

  it('P5: a changed body under the same id after TEMPORARY_ERROR is S2-ID-DUPLICATE', () => {
    const first = pm('a', 1000);
    const { findings } = connected().rm(first).answer('CEM', first, 'TEMPORARY_ERROR').rm(pm('a', 1001)).run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[11, 'S2-ID-DUPLICATE']]);
  });

  it('P5: an identical resend after an answer other than TEMPORARY_ERROR is S2-ID-DUPLICATE', () => {
    const first = pm('a');
    const { findings } = connected()
      .rm(first)
      .answer('CEM', first, 'INVALID_CONTENT')
      .rm({ ...first })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[11, 'S2-ID-DUPLICATE']]);
  });

  it('deferred and out-of-order answers give no finding (no lockstep)', () => {
    const { findings, state } = connected()
      .rm(pm('a'))
      .rm(pm('b'))
      .rm(pm('c'))
      .answer('CEM', pm('c'))
      .answer('CEM', pm('a'))
      .rm(pm('d'))
      .answer('CEM', pm('d'))
      .answer('CEM', pm('b'))
      .run();
    expect(findings).toEqual([]);
    expect(state.lastPowerMeasurement?.seq).toBe(14);
  });

  it('ReceptionStatus bookkeeping runs before the handshake and after a SessionRequest', () => {
    const hs = handshake('RM');
    expect(script().rm(hs).answer('CEM', hs).run().findings).toEqual([]);
    expect(connected().rm(pm('a')).cemOk(sessionRequest('TERMINATE')).answer('CEM', pm('a')).run().findings).toEqual(
      [],
    );
    expect(
      connected()
        .rm(pm('a'))
        .cemOk(sessionRequest('TERMINATE'))
        .run()
        .findings.map((f) => [f.seq, f.rule]),
    ).toEqual([[9, 'S2-RS-MISSING']]);
  });
});
