import { formatJsonPath, JsonPathError, parseJsonPath, relationToPath, resolveJsonPath } from './json-path';

const frame = {
  message: { message_type: 'PowerMeasurement', values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 'x' }] },
};

describe('parseJsonPath', () => {
  it.each([
    ['$', []],
    ['$.message.values[0].value', ['message', 'values', 0, 'value']],
    ["$['odd key'][12]", ['odd key', 12]],
    ['$["quoted \\" name"]', ['quoted " name']],
    ['$.a-b._c$', ['a-b', '_c$']],
  ])('%s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each(['', 'message.values', '$.', '$[', '$[01]', '$[*]', '$..value', "$['open", '$.a[0', '$ .a'])(
    'refuses %j with its position',
    (path) => {
      expect(() => parseJsonPath(path)).toThrow(JsonPathError);
    },
  );
});

describe('formatJsonPath', () => {
  it('round-trips through parseJsonPath in normalized form', () => {
    for (const path of ['$', '$.message.values[0].value', "$['odd key'][3]", "$['it\\'s']"]) {
      expect(formatJsonPath(parseJsonPath(path))).toBe(path);
    }
  });
});

describe('resolveJsonPath', () => {
  it('finds the node a path names', () => {
    expect(resolveJsonPath(frame, parseJsonPath('$.message.values[0].value'))).toEqual({ found: true, value: 'x' });
    expect(resolveJsonPath(frame, [])).toEqual({ found: true, value: frame });
  });

  it('says how far a missing path exists', () => {
    expect(resolveJsonPath(frame, parseJsonPath('$.message.values[3].value'))).toEqual({ found: false, missingAt: 2 });
    expect(resolveJsonPath(frame, parseJsonPath('$.message.nope'))).toEqual({ found: false, missingAt: 1 });
    // An index into an object and a name on an array do not exist either.
    expect(resolveJsonPath(frame, parseJsonPath('$.message[0]'))).toEqual({ found: false, missingAt: 1 });
    expect(resolveJsonPath(frame, parseJsonPath('$.message.values.length'))).toEqual({ found: false, missingAt: 2 });
  });

  it('does not follow inherited properties', () => {
    expect(resolveJsonPath({}, ['constructor'])).toEqual({ found: false, missingAt: 0 });
  });
});

describe('relationToPath', () => {
  const target = parseJsonPath('$.message.values[0].value');
  it('marks the target, its ancestors and nothing else', () => {
    expect(relationToPath(target, target)).toBe('target');
    expect(relationToPath([], target)).toBe('ancestor');
    expect(relationToPath(['message', 'values'], target)).toBe('ancestor');
    expect(relationToPath(['message', 'values', 1], target)).toBe('none');
    expect(relationToPath([...target, 'deeper'], target)).toBe('none');
    expect(relationToPath(['message'], undefined)).toBe('none');
  });
});
