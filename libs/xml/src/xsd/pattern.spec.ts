import { XsdPatternError } from '../errors';
import { compileXsdPattern } from './pattern';

const matches = (pattern: string, value: string): boolean => compileXsdPattern(pattern).test(value);

describe('XSD patterns', () => {
  it('patterns are anchored and ^ $ are ordinary characters', () => {
    expect(matches('[0-9][0-9][0-9]', '200')).toBe(true);
    expect(matches('[0-9][0-9][0-9]', '2000')).toBe(false);
    expect(matches('a^b$', 'a^b$')).toBe(true);
  });

  it('the xcal duration pattern: top-level alternation with a bare week form', () => {
    const duration = '(\\+|\\-)?P((\\d+Y)?(\\d+M)?(\\d+D)?T?(\\d+H)?(\\d+M)?(\\d+S)?)|(\\d+W)';
    for (const ok of ['P', 'PT', 'PT5M', 'P1Y2M3DT4H5M6S', '-PT5M', '2W', 'P1DT'])
      expect(matches(duration, ok)).toBe(true);
    for (const bad of ['P2W', 'PT1.5S', ' PT5M', 'PT5M ', '']) expect(matches(duration, bad)).toBe(false);
  });

  it('\\d is any Unicode decimal digit, \\s only the four XML spaces, . anything but line ends', () => {
    expect(matches('\\d+', '٣٤')).toBe(true);
    expect(matches('\\s', '\u00a0')).toBe(false);
    expect(matches('x-\\S.*', 'x-a b')).toBe(true);
    expect(matches('x-\\S.*', 'x- a')).toBe(false);
    expect(matches('a.b', 'a\nb')).toBe(false);
  });

  it('\\w excludes punctuation, separators and others; \\i and \\c are name characters', () => {
    expect(matches('\\w+@(\\w+\\.)+\\w+', 'ann@example.org')).toBe(true);
    expect(matches('\\w', '-')).toBe(false);
    expect(matches('\\i\\c*', 'x-1')).toBe(true);
    expect(matches('\\i\\c*', '1x')).toBe(false);
  });

  it('classes with escapes, categories, ranges and subtraction', () => {
    expect(matches('[a-z-[aeiou]]+', 'xyz')).toBe(true);
    expect(matches('[a-z-[aeiou]]+', 'xaz')).toBe(false);
    expect(matches('[\\p{Lu}\\-]+', 'AB-C')).toBe(true);
    expect(matches('[^\\d]', '5')).toBe(false);
    expect(matches('\\P{L}', '1')).toBe(true);
    expect(matches('[+\\-]?\\d{1,3}', '-123')).toBe(true);
    expect(matches('[\\S]+', 'ab')).toBe(true);
    expect(matches('[\\S]+', 'a b')).toBe(false);
    expect(matches('[\\w\\s]+', 'a b')).toBe(true);
  });

  it('repeated groups of a negated class and a literal match (a V8 v-flag defect is avoided)', () => {
    expect(matches('([^x]+y)+', 'ayby')).toBe(true);
    expect(matches('([^x]+y)+[a-z-[q]]', 'ayz')).toBe(true);
    expect(matches('([^x]+y)+[a-z-[q]]', 'ayq')).toBe(false);
  });

  it.each(['(a', 'a{1', '[a', 'a)', '\\q', '\\p{IsBasicLatin}', '[z-a]', '*a'])(
    '%s is not a pattern we accept',
    (pattern) => {
      expect(() => compileXsdPattern(pattern)).toThrow(XsdPatternError);
    },
  );
});
