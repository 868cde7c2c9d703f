import fc from 'fast-check';
import { XmlReadError, type XmlErrorCode } from './errors';
import { readXml, type XmlDocument, type XmlElement, type XmlReadLimits } from './reader';

/** The caps the tests read with: OpenADR's (its TR-4 step 6), this lib's first user. */
const LIMITS: XmlReadLimits = { maxDepth: 64, maxElements: 100_000, maxTextBytes: 65_536, maxCommentBytes: 16_384 };

const read = (xml: string): XmlDocument => readXml(xml, LIMITS);

function refusal(xml: string, limits = LIMITS): XmlReadError {
  try {
    readXml(xml, limits);
  } catch (error) {
    if (error instanceof XmlReadError) return error;
    throw error;
  }
  throw new Error(`accepted: ${xml.slice(0, 80)}`);
}

const nested = (depth: number): string => '<a>'.repeat(depth) + '</a>'.repeat(depth);

describe('namespace-aware reading', () => {
  it('matches elements by namespace URI whatever the prefix, default namespace or re-declaration', () => {
    const { root } = read(
      '<ns2:root xmlns:ns2="urn:a" xmlns="urn:d"><child/><ns2:x xmlns:ns2="urn:b"><ns2:y/></ns2:x><plain xmlns=""/></ns2:root>',
    );
    const names = (el: XmlElement): string[] => [`{${el.ns}}${el.local}`, ...el.children.flatMap(names)];
    expect(names(root)).toEqual(['{urn:a}root', '{urn:d}child', '{urn:b}x', '{urn:b}y', '{}plain']);
  });

  it('unprefixed attributes have no namespace; prefixed ones take their binding', () => {
    const { root } = read('<r xmlns="urn:d" xmlns:p="urn:p" a="1" p:b="2"/>');
    expect(root.attributes).toEqual([
      { ns: '', local: 'a', qname: 'a', value: '1' },
      { ns: 'urn:p', local: 'b', qname: 'p:b', value: '2' },
    ]);
  });

  it.each([
    ['<p:a/>', 'namespace prefix'],
    ['<a xmlns:p=""/>', 'empty URI'],
    ['<a xmlns:xmlns="urn:x"/>', "'xmlns' cannot be declared"],
    ['<a xmlns:xml="urn:x"/>', 'xml prefix'],
    ['<a xmlns="http://www.w3.org/XML/1998/namespace"/>', 'xml prefix'],
    ['<a xmlns:p="urn:x" xmlns:q="urn:x" p:b="1" q:b="2"/>', 'same expanded name'],
    ['<a:b:c xmlns:a="urn:x"/>', 'not a valid qualified name'],
  ])('%s is not namespace-well-formed', (xml, reason) => {
    const error = refusal(xml);
    expect(['NAMESPACE', 'NOT_WELL_FORMED']).toContain(error.code);
    expect(error.reason).toContain(reason);
  });
});

describe('text values', () => {
  it('decodes the five predefined entities and character references, and normalizes line ends', () => {
    const { root } = read('<a t="x&#10;y&#x9;z\r\nw">&lt;&gt;&amp;&quot;&apos;&#65;&#x1F600;\r\nnext\rline</a>');
    expect(root.text).toBe('<>&"\'A😀\nnext\nline');
    expect(root.attributes[0]?.value).toBe('x\ny\tz w');
  });

  it('comments, CDATA, processing instructions and a UTF-8 BOM are accepted', () => {
    const { root } = read(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?><!-- c --><?pi data?><a>x<!-- c -->y<![CDATA[<&]]>z<?p?></a><!-- end -->',
    );
    expect(root.text).toBe('xy<&z');
  });

  it('keeps text beside child elements in order only for mixed content', () => {
    const mixed = read('<a>one<b/>two</a>').root;
    expect(mixed.mixed?.map((part) => (typeof part === 'string' ? part : part.local))).toEqual(['one', 'b', 'two']);
    expect(read('<a>\n  <b/>\n</a>').root.mixed).toBeUndefined();
  });
});

describe('security', () => {
  it('refuses any document type declaration, before the root, inside it or after it', () => {
    expect(refusal('<!DOCTYPE a><a/>').code).toBe('DOCTYPE');
    expect(refusal('<?xml version="1.0"?>\n<a>text</a>\n<!DOCTYPE a>').code).toBe('DOCTYPE');
    expect(refusal('<!-- c --><a><!DOCTYPE a></a>')).toMatchObject({ code: 'DOCTYPE', line: 1, column: 14 });
  });

  it('the text <!DOCTYPE or <!ENTITY in a comment, CDATA section or processing instruction declares nothing', () => {
    const { root } = read(
      '<!-- <!DOCTYPE a> --><a><![CDATA[<!DOCTYPE a [<!ENTITY x "y">]>]]><!-- <!ENTITY x "y"> --><?note <!DOCTYPE a>?></a><!-- <!DOCTYPE a> -->',
    );
    expect(root.text).toBe('<!DOCTYPE a [<!ENTITY x "y">]>');
  });

  it('an XXE attempt is refused without touching the entity', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    expect(refusal(xxe).code).toBe('DOCTYPE');
  });

  it('billion laughs is refused without expansion, also when the declarations are hidden', () => {
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('');
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lol}]><lolz>&lol9;</lolz>`;
    const started = process.memoryUsage().heapUsed;
    expect(refusal(bomb).code).toBe('DOCTYPE');
    expect(refusal(`<a>${lol}</a>`).code).toBe('DOCTYPE');
    expect(process.memoryUsage().heapUsed - started).toBeLessThan(50 * 1024 * 1024);
  });

  it('an undeclared entity reference is an error, not an expansion', () => {
    const error = refusal('<a>&lol9;</a>');
    expect(error.code).toBe('NOT_WELL_FORMED');
    expect(error.reason).toContain('only the five predefined entities');
  });
});

describe('caps, enforced while reading', () => {
  it('depth 64 passes, 65 is refused', () => {
    expect(() => read(nested(64))).not.toThrow();
    const error = refusal(nested(65));
    expect(error.code).toBe('DEPTH_LIMIT');
  });

  it('100 000 elements pass, 100 001 are refused', () => {
    expect(() => read(`<r>${'<e/>'.repeat(99_999)}</r>`)).not.toThrow();
    expect(refusal(`<r>${'<e/>'.repeat(100_000)}</r>`).code).toBe('ELEMENT_LIMIT');
  });

  it('a text node of 64 KiB passes, one byte more (counted in UTF-8) is refused', () => {
    expect(() => read(`<a>${'x'.repeat(65_536)}</a>`)).not.toThrow();
    expect(refusal(`<a>${'x'.repeat(65_537)}</a>`).code).toBe('TEXT_LIMIT');
    expect(refusal(`<a>${'é'.repeat(32_769)}</a>`).code).toBe('TEXT_LIMIT');
    expect(refusal(`<a>${'x'.repeat(40_000)}<![CDATA[${'y'.repeat(30_000)}]]></a>`).code).toBe('TEXT_LIMIT');
    expect(() => read(`<a>${'x'.repeat(40_000)}<b/>${'y'.repeat(40_000)}</a>`)).not.toThrow();
  });

  it('attribute values have the same cap', () => {
    expect(refusal(`<a v="${'x'.repeat(65_537)}"/>`).code).toBe('TEXT_LIMIT');
  });

  it('a comment or processing instruction of 16 KiB passes, one byte more (counted in UTF-8) is refused', () => {
    expect(() => read(`<a><!--${'x'.repeat(16_384)}--></a>`)).not.toThrow();
    expect(refusal(`<a><!--${'x'.repeat(16_385)}--></a>`).code).toBe('COMMENT_LIMIT');
    expect(refusal(`<!--${'é'.repeat(8_193)}--><a/>`)).toMatchObject({
      code: 'COMMENT_LIMIT',
      reason: 'a comment exceeds 16384 bytes',
    });
    // The instruction's target counts: 'pi ' and the data.
    expect(() => read(`<a><?pi ${'x'.repeat(16_381)}?></a>`)).not.toThrow();
    expect(refusal(`<a><?pi ${'x'.repeat(16_382)}?></a>`).code).toBe('COMMENT_LIMIT');
    expect(refusal(`<a/><?pi ${'é'.repeat(8_191)}?>`)).toMatchObject({
      code: 'COMMENT_LIMIT',
      reason: 'a processing instruction exceeds 16384 bytes',
    });
    // Refused at the cap: a bad character beyond it is never reached.
    expect(refusal(`<a><!--${'é'.repeat(9_000)}\u0001--></a>`).code).toBe('COMMENT_LIMIT');
  });

  it('decoding stops as soon as a text node or attribute value passes the cap, not at the end of the run', () => {
    // What follows the cap is never looked at, so a mistake placed there cannot be what the refusal names.
    const references = '&#x1F600;'.repeat(16_385); // 4 UTF-8 bytes each: 65 540 in all
    expect(refusal(`<a>${references}&undefined;</a>`).code).toBe('TEXT_LIMIT');
    expect(refusal(`<a v="${references}&undefined;"/>`).code).toBe('TEXT_LIMIT');
    expect(refusal(`<a>${'x'.repeat(60_000)}<!-- c -->${'&#65;'.repeat(6_000)}&undefined;</a>`).code).toBe(
      'TEXT_LIMIT',
    );
    expect(refusal(`<a>${'x'.repeat(60_000)}<![CDATA[${'y'.repeat(6_000)}\u0001]]></a>`).code).toBe('TEXT_LIMIT');
  });

  it('4 MiB of character references is refused at the cap, not after decoding the run', () => {
    // An invalid character reference is refused as such when it is decoded, so one placed after the cap shows,
    // without a clock, whether decoding went past it: the refusal must name the cap.
    const invalid = '&#0;';
    expect(refusal(`<a>${'&#65;'.repeat(65_536)}${invalid}</a>`)).toMatchObject({
      code: 'NOT_WELL_FORMED',
      reason: "character reference '&#0;' is not an XML character",
    });
    // One reference more passes the cap (65 537 bytes): decoding stops there, the next reference is never read.
    expect(refusal(`<a>${'&#65;'.repeat(65_537)}${invalid}</a>`).code).toBe('TEXT_LIMIT');
    // A run of 4 MiB is refused at the same place, its invalid tail 4 MiB further on never decoded.
    const run = '&#65;'.repeat((4 * 1024 * 1024) / 5);
    expect(refusal(`<a>${run}${invalid}</a>`)).toMatchObject({ code: 'TEXT_LIMIT', line: 1, column: 4 });
    expect(refusal(`<a v="${run}${invalid}"/>`)).toMatchObject({ code: 'TEXT_LIMIT', line: 1, column: 7 });
  });

  it('a start tag with 250 000 attributes or namespace declarations is read in one pass; a repeat at its end is found', () => {
    // Nothing but the body size bounds the attributes of a tag, so their checks must stay linear (a quadratic
    // check takes minutes here and times the test out).
    const many = (attribute: (i: number) => string): string =>
      Array.from({ length: 250_000 }, (_, i) => attribute(i)).join(' ');
    expect(refusal(`<a ${many((i) => `a${i}="v"`)} a0="w"/>`).reason).toBe("attribute 'a0' is repeated");
    const declarations = many((i) => `xmlns:p${i}="urn:${i}"`);
    const root = read(`<p0:a ${declarations}>${'<p0:b/>'.repeat(10_000)}</p0:a>`).root;
    expect([root.ns, root.children.length, root.children[9_999]?.ns]).toEqual(['urn:0', 10_000, 'urn:0']);
    expect(refusal(`<a ${declarations} xmlns:p0="urn:y"/>`).reason).toBe("attribute 'xmlns:p0' is repeated");
    expect(refusal(`<a ${many((i) => `xmlns:p${i}="urn:x"`)} p0:b="1" p249999:b="2"/>`).reason).toBe(
      "attributes 'p0:b' and 'p249999:b' have the same expanded name",
    );
  });

  it('the caps are configurable', () => {
    expect(refusal(nested(4), { ...LIMITS, maxDepth: 3 }).code).toBe('DEPTH_LIMIT');
  });
});

describe('well-formedness', () => {
  it.each<[string, XmlErrorCode, string]>([
    ['', 'NOT_WELL_FORMED', 'no root element'],
    ['<a>', 'NOT_WELL_FORMED', 'not closed'],
    ['<a></b>', 'NOT_WELL_FORMED', 'does not match'],
    ['<a/><b/>', 'NOT_WELL_FORMED', 'extra content'],
    ['text<a/>', 'NOT_WELL_FORMED', 'text before'],
    ['<a/>text', 'NOT_WELL_FORMED', 'content after'],
    ['<a b="1" b="2"/>', 'NOT_WELL_FORMED', 'repeated'],
    ['<a b=1/>', 'NOT_WELL_FORMED', 'quoted'],
    ['<a b="1"c="2"/>', 'NOT_WELL_FORMED', 'whitespace is required'],
    ['<a b="<"/>', 'NOT_WELL_FORMED', "'<' is not allowed"],
    ['<a>&amp</a>', 'NOT_WELL_FORMED', "ending with ';'"],
    ['<a>&#0;</a>', 'NOT_WELL_FORMED', 'not an XML character'],
    ['<a>&#xD800;</a>', 'NOT_WELL_FORMED', 'not an XML character'],
    ['<a>\u0001</a>', 'NOT_WELL_FORMED', 'U+0001'],
    ['<a>\uD800</a>', 'NOT_WELL_FORMED', 'U+D800'],
    ['<a>]]></a>', 'NOT_WELL_FORMED', "']]>'"],
    ['<a><!-- a -- b --></a>', 'NOT_WELL_FORMED', "'--'"],
    ['<a><![CDATA[x</a>', 'NOT_WELL_FORMED', 'unterminated CDATA'],
    ['<a><?xml version="1.0"?></a>', 'NOT_WELL_FORMED', 'XML declaration'],
    ['<?xml version="2.0"?><a/>', 'NOT_WELL_FORMED', 'unsupported XML version'],
    ['<?xml version="1.0" standalone="maybe"?><a/>', 'NOT_WELL_FORMED', 'standalone'],
    ['< a/>', 'NOT_WELL_FORMED', 'name was expected'],
    ['<1a/>', 'NOT_WELL_FORMED', 'name was expected'],
    ['<a><!ELEMENT x ANY></a>', 'NOT_WELL_FORMED', "'<!'"],
  ])('%j is refused', (xml, code, reason) => {
    const error = refusal(xml);
    expect(error.code).toBe(code);
    expect(error.reason).toContain(reason);
  });

  it('reports the line and column of the problem', () => {
    const error = refusal('<a>\n  <b>\n  </c>\n</a>');
    expect([error.line, error.column]).toEqual([3, 3]);
    expect(error.message).toMatch(/^3:3: /);
  });
});

describe('property: any input gives a tree or an XmlReadError, nothing else', () => {
  const sample =
    '<?xml version="1.0"?><p:a xmlns:p="urn:p" x="1"><b>t&amp;x</b><!-- c --><![CDATA[d]]><c y=\'2\'/></p:a>';
  const isReadError = (run: () => unknown): boolean => {
    try {
      run();
      return true;
    } catch (error) {
      return error instanceof XmlReadError;
    }
  };

  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => isReadError(() => read(text))),
      { numRuns: 500 },
    );
  });

  it('mutated and truncated documents', () => {
    const mutated = fc
      .tuple(
        fc.nat(sample.length),
        fc.nat(sample.length),
        fc.string({
          unit: fc.constantFrom(
            '<',
            '>',
            '&',
            ';',
            '"',
            '/',
            '!',
            '[',
            ']',
            '-',
            '?',
            ':',
            'x',
            ' ',
            '\u0000',
            '\uD800',
          ),
          maxLength: 4,
        }),
      )
      .map(([from, to, insert]) => sample.slice(0, Math.min(from, to)) + insert + sample.slice(Math.max(from, to)));
    fc.assert(
      fc.property(mutated, (xml) => isReadError(() => read(xml))),
      { numRuns: 1000 },
    );
    for (let cut = 0; cut < sample.length; cut++) expect(() => read(sample.slice(0, cut))).toThrow(XmlReadError);
  });

  it('deep, huge and entity-laden documents are refused with the right code', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 2000 }), (depth) => refusal(nested(depth)).code === 'DEPTH_LIMIT'),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 65_537, max: 300_000 }),
        (size) => refusal(`<a>${'z'.repeat(size)}</a>`).code === 'TEXT_LIMIT',
      ),
      { numRuns: 10 },
    );
    fc.assert(
      // XML's five predefined entities are the only ones a document may use without declaring them.
      fc.property(
        fc.stringMatching(/^[a-z]{1,8}$/).filter((name) => !['lt', 'gt', 'amp', 'apos', 'quot'].includes(name)),
        fc.integer({ min: 1, max: 50 }),
        (name, count) => {
          const laden = `<!DOCTYPE r [<!ENTITY ${name} "${'&x;'.repeat(count)}">]><r>${`&${name};`.repeat(count)}</r>`;
          return refusal(laden).code === 'DOCTYPE' && refusal(`<r>&${name};</r>`).code === 'NOT_WELL_FORMED';
        },
      ),
      { numRuns: 50 },
    );
  });
});
