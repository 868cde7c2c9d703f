import { TranscriptLines, TranscriptLineTooLong } from './transcript-lines';

function linesOf(chunks: Array<Uint8Array | string>, max?: number): string[] {
  const lines = new TranscriptLines(max);
  return [...chunks.flatMap((chunk) => lines.push(chunk)), ...lines.end()];
}

describe('TranscriptLines', () => {
  it('cuts at \\n only, keeping \\r and the last line (empty when the input ends with \\n)', () => {
    expect(linesOf(['a\r\nb', '\rc\n'])).toEqual(['a\r', 'b\rc', '']);
    expect(linesOf(['a'])).toEqual(['a']);
    expect(linesOf([])).toEqual(['']);
  });

  it('decodes UTF-8 split inside a character and lines split across chunks', () => {
    const bytes = new TextEncoder().encode('{"x":"ü€"}\n{"y":1}');
    expect(linesOf(Array.from(bytes, (byte) => Uint8Array.of(byte)))).toEqual(['{"x":"ü€"}', '{"y":1}']);
  });

  it('refuses a line longer than the limit, naming its number, before holding it all', () => {
    const lines = new TranscriptLines(8);
    expect(lines.push('12345\n1234')).toEqual(['12345']);
    expect(() => lines.push('56789')).toThrow(new TranscriptLineTooLong(2, 8));
    expect(() => linesOf(['123456789\n'], 8)).toThrow('transcript line 1: longer than 8 characters');
  });
});
