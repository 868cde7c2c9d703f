import { csv, iso } from './csv-export';

describe('§14.3 CSV (P2P-OP-CSV)', () => {
  it('RFC 4180: header row, CRLF, quotes only where needed (doubled inside), empty cell for null, ISO times with Z', () => {
    expect(csv(['a', 'b', 'c', 'd'], [['x,y', 'say "hi"', null, 'line\nbreak']])).toBe(
      'a,b,c,d\r\n"x,y","say ""hi""",,"line\nbreak"\r\n',
    );
    expect(iso(1_800_000_000_000)).toBe('2027-01-15T08:00:00.000Z');
  });
});
