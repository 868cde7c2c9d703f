import { createConversation } from './conversation';
import type { Frame } from './frame';
import {
  frbc,
  handshake,
  type Message,
  powerMeasurement,
  receptionStatus,
  selectControlType,
} from './messages.test-util';
import { connected } from './script.test-util';
import {
  analyzeTranscript,
  exportTranscript,
  importTranscript,
  TranscriptAnalyzer,
  TranscriptImportError,
  TranscriptReader,
} from './transcript';

/** A live session with one of almost everything: text frames as they came off the wire, defects included. */
function liveFrames(): Frame[] {
  const measurement = powerMeasurement(undefined, 'pm-short-id');
  const invalid: Message = { ...frbc.storageStatus(), present_fill_level: '55.0' };
  const rest: Array<Omit<Frame, 't'>> = [
    { direction: 'rm->cem', text: JSON.stringify(measurement, null, 2) },
    { direction: 'cem->rm', text: JSON.stringify(receptionStatus('pm-short-id')) },
    { direction: 'rm->cem', text: '{"message_type": "Pow' },
    {
      direction: 'cem->rm',
      text: JSON.stringify(receptionStatus('00000000-0000-0000-0000-000000000000', 'INVALID_DATA')),
    },
    { direction: 'rm->cem', binary: new Uint8Array([0, 159, 146, 150, 10]) },
    { direction: 'rm->cem', text: JSON.stringify(invalid) },
    { direction: 'cem->rm', text: `  ${JSON.stringify(receptionStatus(invalid['message_id'] as string, 'OK'))}\n` },
    {
      direction: 'rm->cem',
      text: '{"message_type":"PowerMeasurement","message_id":"big-number","measurement_timestamp":"2030-04-01T08:00:00Z","values":[{"commodity_quantity":"ELECTRIC.POWER.L1","value":1e999}]}',
    },
    { direction: 'cem->rm', text: JSON.stringify(selectControlType('FILL_RATE_BASED_CONTROL')) },
    { direction: 'cem->rm', text: '"\u2028 line separator and a lone surrogate \ud800"' },
  ];
  const head = connected().frames;
  return [...head, ...rest.map((frame, i) => ({ ...frame, t: 1000 + i * 6000 }) as Frame)];
}

function analyseLive(frames: Frame[]) {
  const conversation = createConversation();
  for (const frame of frames) conversation.push(frame);
  conversation.end();
  return { findings: conversation.findings(), state: conversation.state() };
}

describe('transcript export (§9)', () => {
  it('export then analyse reproduces the live findings and state exactly', () => {
    const frames = liveFrames();
    const live = analyseLive(frames);
    expect(live.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining([
        'S2-UUID',
        'S2-JSON',
        'S2-SCHEMA',
        'S2-RS-ACCEPTED-INVALID',
        'S2-RS-LATE',
        'S2-RS-MISSING',
        'S2-SCT-UNSUPPORTED',
      ]),
    );
    for (const raw of ['auto', 'always'] as const) {
      const result = analyzeTranscript(exportTranscript(frames, { raw }));
      expect(result.findings).toEqual(live.findings);
      expect(JSON.parse(JSON.stringify(result.state))).toEqual(JSON.parse(JSON.stringify(live.state)));
    }
  });

  it('writes members in the order seq, t, direction, message|raw, encoding; JSON text as message, the rest as raw', () => {
    const lines = exportTranscript(liveFrames())
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(lines[0] ?? {})).toEqual(['seq', 't', 'direction', 'message']);
    expect(Object.keys(lines[10] ?? {})).toEqual(['seq', 't', 'direction', 'raw']);
    expect(lines[12]).toEqual({ seq: 13, t: 25000, direction: 'rm->cem', raw: 'AJ+Slgo=', encoding: 'base64' });
    expect(Object.keys(lines[15] ?? {})).toEqual(['seq', 't', 'direction', 'raw']);
    expect(lines.map((line) => line['seq'])).toEqual(lines.map((_line, i) => i + 1));
  });

  it('raw=always is byte-exact: every text frame and binary frame comes back unchanged', () => {
    const frames = liveFrames();
    const back = importTranscript(exportTranscript(frames, { raw: 'always' }));
    expect(back.map((frame) => ('text' in frame ? frame.text : 'binary' in frame ? [...frame.binary] : frame))).toEqual(
      frames.map((frame) =>
        'text' in frame
          ? frame.text
          : 'binary' in frame
            ? [...frame.binary]
            : JSON.stringify((frame as { message: unknown }).message),
      ),
    );
  });

  it('an imported transcript with defective lines exports the same defects back', () => {
    const text = [
      JSON.stringify({ t: 0, direction: 'sideways', message: handshake('RM') }),
      JSON.stringify({ t: 1, direction: 'rm->cem' }),
      JSON.stringify({ t: 2, direction: 'rm->cem', raw: 42, encoding: 'base64' }),
      JSON.stringify({ t: 3, direction: 'cem->rm', raw: '{}', message: handshake('CEM') }),
    ].join('\n');
    const first = analyzeTranscript(text);
    expect(first.findings.map((f) => [f.seq, f.rule])).toEqual([
      [1, 'S2-JSON'],
      [2, 'S2-JSON'],
      [3, 'S2-JSON'],
      [4, 'S2-SCHEMA'],
    ]);
    const exported = exportTranscript(importTranscript(text));
    expect(analyzeTranscript(exported).findings).toEqual(first.findings);
    expect(JSON.parse(exported.split('\n')[2] ?? '')).toEqual({
      seq: 3,
      t: 2,
      direction: 'rm->cem',
      raw: 42,
      encoding: 'base64',
    });
  });
});

describe('transcript import (§9)', () => {
  const line = (fields: Record<string, unknown>) =>
    JSON.stringify({ t: 0, direction: 'rm->cem', message: handshake('RM'), ...fields });
  const rejects = (text: string | unknown[], lineNumber: number, reason: RegExp) => {
    let error: unknown;
    try {
      importTranscript(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TranscriptImportError);
    expect((error as TranscriptImportError).line).toBe(lineNumber);
    expect((error as Error).message).toMatch(new RegExp(`^transcript line ${lineNumber}: ${reason.source}`));
  };

  it('rejects a line that is not a JSON object, naming its line number', () => {
    rejects(`${line({})}\n[1, 2]`, 2, /not a JSON object/);
    rejects(`${line({})}\n{"t": 1,`, 2, /not a JSON object \(/);
    rejects([JSON.parse(line({})), 'text'], 2, /not a JSON object/);
  });

  it('rejects a wrong seq; seq may be omitted; blank lines are not counted', () => {
    rejects(`${line({ seq: 1 })}\n${line({ seq: 3 })}`, 2, /seq 3 differs from the line's position 2/);
    rejects(`${line({ seq: '1' })}`, 1, /seq '1' differs/);
    expect(importTranscript(`${line({ seq: 1 })}\n\n   \n${line({ seq: 2, t: 5 })}\n${line({ t: 6 })}`)).toHaveLength(
      3,
    );
    rejects(`${line({})}\n\n${line({ seq: 3 })}`, 3, /seq 3 differs from the line's position 2/);
  });

  it('rejects a missing, non-integer, negative or decreasing t', () => {
    rejects(JSON.stringify({ direction: 'rm->cem', message: {} }), 1, /no 't' \(integer ms since session start\)/);
    rejects(line({ t: null }), 1, /t null is not an integer ≥ 0/);
    rejects(line({ t: 1.5 }), 1, /t 1.5 is not an integer/);
    rejects(line({ t: '5' }), 1, /t '5' is not an integer/);
    rejects(line({ t: -1 }), 1, /t -1 is not an integer/);
    rejects(`${line({ t: 10 })}\n${line({ t: 9 })}`, 2, /t 9 is smaller than the previous line's t 10/);
    expect(importTranscript(`${line({ t: 10 })}\n${line({ t: 10 })}`)).toHaveLength(2);
  });

  it('rejects an unknown encoding', () => {
    rejects(line({ raw: 'abc', encoding: 'hex' }), 1, /encoding 'hex' is not 'base64'/);
    rejects(line({ raw: 'abc', encoding: null }), 1, /encoding null/);
  });

  it('strips a BOM, tolerates \\r\\n and a missing final newline', () => {
    const text = `\ufeff${line({ seq: 1 })}\r\n${line({ seq: 2, t: 3, direction: 'cem->rm', message: receptionStatus('x') })}`;
    const frames = importTranscript(text);
    expect(frames).toHaveLength(2);
    expect(frames[1]).toMatchObject({ t: 3, direction: 'cem->rm' });
  });

  it('raw wins over message', () => {
    const [frame] = importTranscript(line({ raw: '{"a":1}', message: handshake('RM') }));
    expect(frame).toEqual({ t: 0, direction: 'rm->cem', text: '{"a":1}' });
  });

  it('a non-string raw gives S2-JSON; so do a line without message or raw and an unknown direction', () => {
    const result = analyzeTranscript([
      { t: 0, direction: 'rm->cem', raw: { message_type: 'Handshake' } },
      { t: 0, direction: 'rm->cem' },
      { t: 0, direction: 'up', message: handshake('RM') },
    ]);
    expect(result.findings.map((f) => [f.seq, f.rule, f.detail])).toEqual([
      [1, 'S2-JSON', 'raw must be a string, not an object'],
      [2, 'S2-JSON', 'the transcript line has neither message nor raw'],
      [3, 'S2-JSON', "direction 'up' is neither 'rm->cem' nor 'cem->rm'"],
    ]);
    expect(result).toMatchObject({ verdict: 'invalid', schemaValid: false });
  });

  it('base64 raw is a binary frame, which gets S2-JSON', () => {
    const text = Buffer.from(JSON.stringify(handshake('RM'))).toString('base64');
    const [frame] = importTranscript([{ t: 0, direction: 'rm->cem', raw: text, encoding: 'base64' }]);
    expect(frame && 'binary' in frame && Buffer.from(frame.binary).toString('base64')).toBe(text);
    expect(
      analyzeTranscript([{ t: 0, direction: 'rm->cem', raw: text, encoding: 'base64' }]).findings.map((f) => f.rule),
    ).toEqual(['S2-JSON']);
  });

  it('other members (a note) are ignored; an empty transcript is a valid empty session', () => {
    const hs = handshake('RM');
    const result = analyzeTranscript(
      `${JSON.stringify({ t: 0, direction: 'rm->cem', message: hs, note: 'first' })}\n${JSON.stringify({ t: 1, direction: 'cem->rm', message: receptionStatus(hs['message_id'] as string) })}\n`,
    );
    expect(result.findings).toEqual([]);
    expect(analyzeTranscript('')).toMatchObject({
      findings: [],
      verdict: 'valid',
      schemaValid: true,
      state: { phase: 'ended', summary: { frames: 0 } },
    });
  });

  it('a transcript line number is the physical line, the seq the position among non-blank lines', () => {
    rejects(`\n\n${line({ seq: 1 })}\n${line({ seq: 1 })}`, 4, /seq 1 differs from the line's position 2/);
  });

  it('a JSON line that is not a transcript frame (no t and no direction) says so plainly', () => {
    rejects(
      JSON.stringify({ message_type: 'Handshake', message_id: 'x1' }),
      1,
      /not a transcript frame: a JSON object without 't' and 'direction' \(it has 'message_type', 'message_id'\)/,
    );
    rejects(`${line({})}\n{}`, 2, /not a transcript frame: .* \(it has no members\)/);
  });

  it('a line with t but no direction gets S2-JSON that names the missing direction', () => {
    const { findings } = analyzeTranscript(JSON.stringify({ t: 0, message: handshake('RM') }));
    expect(findings).toEqual([
      expect.objectContaining({ seq: 1, rule: 'S2-JSON', detail: expect.stringMatching(/has no 'direction'/) }),
    ]);
  });
});

describe('transcript read line by line (TranscriptReader, TranscriptAnalyzer)', () => {
  const text = [
    `\ufeff${JSON.stringify({ t: 0, direction: 'rm->cem', message: handshake('RM') })}\r`,
    '',
    '   ',
    JSON.stringify({ seq: 2, t: 4, direction: 'cem->rm', raw: '{"message_type": "Rec' }),
  ];

  it('gives the same frames, line numbers and errors as importing the whole text', () => {
    const reader = new TranscriptReader();
    const frames = text.map((one) => reader.text(one));
    expect(frames.filter((frame) => frame !== undefined)).toEqual(importTranscript(text.join('\n')));
    expect(frames[1]).toBeUndefined();
    expect(() => reader.text(JSON.stringify({ seq: 9, t: 5, direction: 'rm->cem', message: {} }))).toThrow(
      'transcript line 5: seq 9 differs from the line',
    );
  });

  it('analyses as it reads: the same result as analyzeTranscript, for text lines and parsed lines', () => {
    const byText = new TranscriptAnalyzer({ rsTimeoutMs: 1 });
    for (const one of text) byText.text(one);
    expect(byText.finish()).toEqual(analyzeTranscript(text.join('\n'), { rsTimeoutMs: 1 }));
    const hs = handshake('RM');
    const lines = [
      { t: 0, direction: 'rm->cem', message: hs },
      { t: 9, direction: 'cem->rm', message: receptionStatus(hs['message_id'] as string) },
    ];
    const byValue = new TranscriptAnalyzer({ rsTimeoutMs: 1 });
    for (const one of lines) byValue.value(one);
    const result = byValue.finish();
    expect(result).toEqual(analyzeTranscript(lines, { rsTimeoutMs: 1 }));
    expect(result.findings.map((f) => f.rule)).toEqual(['S2-RS-LATE']);
  });

  it('an empty or blank transcript has no frames', () => {
    for (const blank of ['', '\n\n', '\ufeff', ' \r\n\t\n'])
      expect(analyzeTranscript(blank).state.summary.frames).toBe(0);
  });
});
