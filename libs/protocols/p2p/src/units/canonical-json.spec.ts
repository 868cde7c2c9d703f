import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { inputsHash, type SettlementInput } from '../settlement/settlement';

describe('P2P-S5 canonical JSON (RFC 8785) and the inputs hash', () => {
  it('members sorted by UTF-16 code units, no whitespace, undefined members left out, ES number form', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: undefined, '\u00e9': 2, A: -0 } })).toBe(
      '{"a":[true,null,"x"],"b":1,"c":{"A":0,"z":1.5,"é":2}}',
    );
    expect(canonicalJson({ '\uD83D\uDE00': 1, '\uFFFD': 2 })).toBe('{"😀":1,"�":2}');
    expect(canonicalJson('line\nbreak "quoted"')).toBe('"line\\nbreak \\"quoted\\""');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(() => canonicalJson(Number.NaN)).toThrow(/no form/);
    expect(() => canonicalJson({ n: 1n })).toThrow(/no form for a bigint/);
  });

  it('inputsHash equals SHA-256 of canonicalJson(inputs) for any rows', () => {
    const row: fc.Arbitrary<SettlementInput> = fc.record({
      id: fc.stringMatching(/^[A-Za-z0-9._~-]{8,20}$/),
      role: fc.constantFrom('consumer' as const, 'producer' as const),
      energyWh: fc.option(fc.nat()),
      quality: fc.option(fc.constantFrom('measured' as const, 'replaced' as const, 'estimated' as const)),
      revision: fc.option(fc.nat({ max: 50 })),
      coverageMs: fc.nat({ max: 86_400_000 }),
      status: fc.constantFrom('present' as const, 'partial' as const, 'missing' as const),
      producerPricePerMWh: fc.option(fc.nat({ max: 10 ** 7 })),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), (rows) => {
        expect(inputsHash(rows)).toBe(createHash('sha256').update(canonicalJson(rows)).digest('hex'));
      }),
      { numRuns: 200 },
    );
  });
});
