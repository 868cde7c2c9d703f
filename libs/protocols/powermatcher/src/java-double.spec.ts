import { formatJavaDouble } from './java-double';

describe('formatJavaDouble (PM-WS-5 number format)', () => {
  it.each([
    [0, '0.0'],
    [-0, '-0.0'],
    [1000, '1000.0'],
    [0.5, '0.5'],
    [-250, '-250.0'],
    [0.001, '0.001'],
    [9999999.999, '9999999.999'],
    [100.00000000000003, '100.00000000000003'],
    [1e7, '1.0E7'],
    [12345678.9, '1.23456789E7'],
    [1.2e-4, '1.2E-4'],
    [0.000999, '9.99E-4'],
    [1e21, '1.0E21'],
    [-1e-5, '-1.0E-5'],
    [2500, '2500.0'],
    [-120.5, '-120.5'],
    [5.000004979248153, '5.000004979248153'],
    [Number.MAX_VALUE, '1.7976931348623157E308'],
    [2.2250738585072014e-308, '2.2250738585072014E-308'],
    [Number.MIN_VALUE, '4.9E-324'],
    [1e-323, '9.9E-324'],
    [NaN, 'NaN'],
    [Infinity, 'Infinity'],
    [-Infinity, '-Infinity'],
  ])('PM-WS-5: %p prints as %s', (value, expected) => {
    expect(formatJavaDouble(value)).toBe(expected);
  });
});
