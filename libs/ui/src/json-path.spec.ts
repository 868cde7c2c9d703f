import {
  formatJsonPath,
  JsonPathError,
  parseJsonPath,
  pathOfJsonPointer,
  relationToPath,
  resolveJsonPath,
} from './json-path';

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

describe('pathOfJsonPointer', () => {
  it("turns a validator's instancePath into the path the viewer highlights", () => {
    expect(formatJsonPath(pathOfJsonPointer('/message/values/0/value', frame))).toBe('$.message.values[0].value');
    expect(pathOfJsonPointer('', frame)).toEqual([]);
  });

  it('unescapes ~1 and ~0, and keeps digit names of objects as names', () => {
    expect(pathOfJsonPointer('/a~1b/m~0n/0', { 'a/b': { 'm~n': { '0': 1 } } })).toEqual(['a/b', 'm~n', '0']);
  });

  it('reads indexes past the end of the document as indexes', () => {
    expect(pathOfJsonPointer('/message/missing/2/x', frame)).toEqual(['message', 'missing', 2, 'x']);
  });

  it('refuses what is not a pointer into this document', () => {
    expect(() => pathOfJsonPointer('message', frame)).toThrow(JsonPathError);
    expect(() => pathOfJsonPointer('/message/values/first', frame)).toThrow(/not an array index/);
  });
});
