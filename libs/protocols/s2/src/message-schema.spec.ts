import { MESSAGE_TYPES, NIL_UUID } from './catalog';
import { checkMessageSchema, compileMessageSchemas } from './message-schema';
import { frbc, type Message, powerMeasurement, receptionStatus, uuid } from './messages.test-util';
import { connected, script, withoutDetail } from './script.test-util';
import { messageSchemas, typeSchemas } from './schemas';
import { analyzeTranscript } from './transcript';

describe('schema compilation (§4.1)', () => {
  it('compiles all 76 vendored schemas into one validator per message type', () => {
    expect(messageSchemas).toHaveLength(35);
    expect(typeSchemas).toHaveLength(41);
    expect([...compileMessageSchemas().keys()].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it('rejects non-objects nested where the schema describes an object (type: object patched in)', () => {
    expect(checkMessageSchema({ ...powerMeasurement(), values: [null] })).toEqual({
      detail: '/values/0 must be object, not null',
      path: '/values/0',
    });
    expect(checkMessageSchema({ ...powerMeasurement(), values: [5] })).toMatchObject({ path: '/values/0' });
  });

  it('leaves the vendored schema objects unchanged', () => {
    const powerValue = typeSchemas.find((schema) => (schema as { title?: string }).title === 'PowerValue') as Record<
      string,
      unknown
    >;
    expect(powerValue['type']).toBeUndefined();
  });

  it('accepts a valid message and returns its type', () => {
    expect(checkMessageSchema(powerMeasurement())).toBe('PowerMeasurement');
  });
});

/** A connected session, then `frame` from the RM at seq 9; an answer from the CEM follows when given. */
function afterHandshake(frame: Parameters<ReturnType<typeof script>['frame']>[0], answer?: Message) {
  const s = connected().frame(frame);
  if (answer) s.cem(answer);
  return s.run();
}

describe('S2-JSON (§4.2)', () => {
  const expected = [{ seq: 9, rule: 'S2-JSON', level: 'schema', severity: 'error' }];
  const validText = JSON.stringify(powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 10]], uuid('pm-json')));
  const repaired = () => afterHandshake({ direction: 'rm->cem', text: validText }, receptionStatus(uuid('pm-json')));

  it('S2-JSON: truncated JSON text, with no path; the repaired frame gives none', () => {
    const { findings } = afterHandshake({ direction: 'rm->cem', text: validText.slice(0, 40) });
    expect(findings.map(withoutDetail)).toEqual(expected);
    expect(findings[0]).not.toHaveProperty('path');
    expect(findings[0]?.detail).toMatch(/not JSON/);
    expect(repaired().findings).toEqual([]);
  });

  it.each([
    ['a JSON array', '[{"message_type":"PowerMeasurement"}]', /a JSON array/],
    ['a JSON string', '"PowerMeasurement"', /a JSON string/],
    ['JSON null', 'null', /JSON null/],
    ['a JSON number', '42', /a JSON number/],
  ])('S2-JSON: %s is not an object', (_kind, text, detail) => {
    const { findings } = afterHandshake({ direction: 'rm->cem', text });
    expect(findings.map(withoutDetail)).toEqual(expected);
    expect(findings[0]?.detail).toMatch(detail);
  });

  it('S2-JSON: a binary frame, even one holding valid JSON', () => {
    const { findings } = afterHandshake({ direction: 'rm->cem', binary: new TextEncoder().encode(validText) });
    expect(findings.map(withoutDetail)).toEqual(expected);
    expect(findings[0]?.detail).toMatch(/binary/);
  });

  it('S2-JSON: a transcript line with a bad direction; the repaired line gives none', () => {
    const line = {
      seq: 1,
      t: 0,
      direction: 'rm->rm',
      message: {
        message_type: 'Handshake',
        message_id: uuid('h'),
        role: 'RM',
        supported_protocol_versions: ['0.0.2-beta'],
      },
    };
    const broken = analyzeTranscript([line]);
    expect(broken.findings.map(withoutDetail)).toEqual([
      { seq: 1, rule: 'S2-JSON', level: 'schema', severity: 'error' },
    ]);
    expect(broken.findings[0]?.detail).toMatch(/direction 'rm->rm'/);
    const repairedLines = [
      { ...line, direction: 'rm->cem' },
      { t: 1, direction: 'cem->rm', message: receptionStatus(uuid('h')) },
    ];
    expect(analyzeTranscript(repairedLines).findings).toEqual([]);
  });

  it('S2-JSON: a frame without a usable id is not tracked, so its missing answer is not flagged (P3)', () => {
    const { findings, state } = afterHandshake({ direction: 'rm->cem', text: '{"message_type": "Pow' });
    expect(findings.map((f) => f.rule)).toEqual(['S2-JSON']);
    expect(state.summary.schemaValid).toBe(false);
  });

  it('S2-JSON: its legal answer INVALID_DATA with the nil UUID gives no finding (P3)', () => {
    const { findings } = afterHandshake(
      { direction: 'rm->cem', text: '{"message_type": "Pow' },
      receptionStatus(NIL_UUID, 'INVALID_DATA'),
    );
    expect(findings.map((f) => f.rule)).toEqual(['S2-JSON']);
  });
});

describe('S2-SCHEMA (§4.3)', () => {
  const pmId = uuid('pm-schema');
  const valid = powerMeasurement([['ELECTRIC.POWER.3_PHASE_SYMMETRIC', 55]], pmId);
  /** The RM sends `message` at seq 9 and the CEM answers INVALID_MESSAGE (or OK once repaired). */
  const run = (message: Message, status = 'INVALID_MESSAGE') =>
    connected().rm(message).cem(receptionStatus(pmId, status)).run();
  const schemaFinding = (path: string) => [{ seq: 9, rule: 'S2-SCHEMA', level: 'schema', severity: 'error', path }];

  it('S2-SCHEMA: the repaired message gives none', () => {
    expect(run(valid, 'OK').findings).toEqual([]);
  });

  it('S2-SCHEMA: missing required field', () => {
    const withoutLevel = frbc.storageStatus(40, pmId);
    delete withoutLevel['present_fill_level'];
    const { findings } = run(withoutLevel);
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/present_fill_level'));
    expect(findings[0]?.detail).toBe("required property 'present_fill_level' missing");
  });

  it("S2-SCHEMA: wrong type ('55.0' is a string, not a number)", () => {
    const { findings } = run({ ...frbc.storageStatus(40, pmId), present_fill_level: '55.0' });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/present_fill_level'));
    expect(findings[0]?.detail).toBe("/present_fill_level must be number, not '55.0'");
  });

  it('S2-SCHEMA: date-time without an offset', () => {
    const { findings } = run({ ...valid, measurement_timestamp: '2030-04-01T08:00:00' });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/measurement_timestamp'));
    expect(findings[0]?.detail).toMatch(/'2030-04-01T08:00:00' is not a date-time/);
  });

  it('S2-SCHEMA: extra property', () => {
    const { findings } = run({ ...valid, power: 5 });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/power'));
    expect(findings[0]?.detail).toBe("additional property 'power'");
  });

  it('S2-SCHEMA: bad enum value', () => {
    const { findings } = run({ ...valid, values: [{ commodity_quantity: 'ELECTRIC.POWER.L4', value: 3 }] });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/values/0/commodity_quantity'));
    expect(findings[0]?.detail).toBe("/values/0/commodity_quantity 'ELECTRIC.POWER.L4' not in CommodityQuantity");
  });

  it('S2-SCHEMA: unknown message_type, still tracked by its usable id', () => {
    const { findings } = run({ ...valid, message_type: 'PowerMeasurements' });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/message_type'));
    expect(findings[0]?.detail).toBe("unknown message_type 'PowerMeasurements'");
  });

  it('S2-SCHEMA: a detail stays one line whatever wire text it quotes', () => {
    const { findings } = run({ ...valid, message_type: 'Power\nMeasurement' });
    expect(findings[0]?.detail).toBe("unknown message_type 'Power\\u000aMeasurement'");
  });

  it('S2-SCHEMA: missing message_type', () => {
    const untyped = { ...valid };
    delete untyped['message_type'];
    const { findings } = run(untyped);
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/message_type'));
    expect(findings[0]?.detail).toBe('message_type missing');
  });

  it('S2-SCHEMA: message_type that is not a string', () => {
    const { findings } = run({ ...valid, message_type: 7 });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/message_type'));
  });

  it('S2-SCHEMA: nested null inside values', () => {
    const { findings } = run({ ...valid, values: [null] });
    expect(findings.map(withoutDetail)).toEqual(schemaFinding('/values/0'));
  });

  it('S2-SCHEMA: one finding per frame summarising up to 10 errors', () => {
    const values = Array.from({ length: 10 }, () => ({ commodity_quantity: 'X', value: 'y' }));
    const { findings } = run({ ...valid, values, measurement_timestamp: 'now' });
    expect(findings.filter((f) => f.rule === 'S2-SCHEMA')).toHaveLength(1);
    const detail = findings[0]?.detail ?? '';
    expect(detail.split('; ')).toHaveLength(11);
    expect(detail).toMatch(/; and \d+ more$/);
  });

  it('S2-SCHEMA: a schema-invalid message with a usable id is tracked and needs its answer', () => {
    const { findings } = connected()
      .rm({ ...valid, power: 5 })
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([
      [9, 'S2-RS-MISSING'],
      [9, 'S2-SCHEMA'],
    ]);
  });

  it('S2-SCHEMA: without a usable message_id it is not tracked, and INVALID_DATA with the nil UUID is its legal answer', () => {
    const { findings } = connected()
      .rm({ ...valid, message_id: '!' })
      .cem(receptionStatus(NIL_UUID, 'INVALID_DATA'))
      .run();
    expect(findings.map((f) => [f.seq, f.rule])).toEqual([[9, 'S2-SCHEMA']]);
  });
});
