import { decodeXml, xmlCharset } from './decode';
import { XmlReadError } from './errors';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('decoding', () => {
  it('without any charset information the body is UTF-8 (BOM removed)', () => {
    expect(decodeXml(new TextEncoder().encode('<a>é€😀</a>'))).toBe('<a>é€😀</a>');
    expect(decodeXml(bytes(0xef, 0xbb, 0xbf, ...ascii('<a/>')))).toBe('<a/>');
  });

  it("the XML declaration's encoding applies when the Content-Type names none", () => {
    const latin1 = bytes(...ascii('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, 0x80, ...ascii('</a>'));
    expect(decodeXml(latin1)).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>é\u0080</a>');
  });

  it('the Content-Type charset wins over the XML declaration', () => {
    const utf8 = new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>');
    expect(decodeXml(utf8, 'utf-8')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>');
    expect(decodeXml(utf8, 'iso-8859-1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>Ã©</a>');
  });

  it.each([
    [new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), undefined, 'not valid UTF-8'],
    [bytes(...ascii('<a>'), 0xe9, ...ascii('</a>')), 'us-ascii', 'not US-ASCII'],
    [ascii('<?xml version="1.0" encoding="UTF-16"?><a/>'), undefined, "unsupported character encoding 'UTF-16'"],
    [ascii('<a/>'), 'shift_jis', "unsupported character encoding 'shift_jis'"],
    [
      ascii('<?xml version="1.0" encoding="constructor"?><a/>'),
      undefined,
      "unsupported character encoding 'constructor'",
    ],
    [ascii('<?xml version="1.0" encoding="__proto__"?><a/>'), undefined, "unsupported character encoding '__proto__'"],
    [ascii('<a/>'), 'constructor', "unsupported character encoding 'constructor'"],
  ])('%#: undecodable bodies are an encoding error', (body, charset, reason) => {
    expect(() => decodeXml(body, charset)).toThrow(XmlReadError);
    expect(() => decodeXml(body, charset)).toThrow(reason);
  });

  it('a Content-Type charset is utf-8, us-ascii or iso-8859-1 (any case), nothing else', () => {
    expect(['UTF-8', ' utf-8 ', 'US-ASCII', 'iso-8859-1', 'ISO-8859-1'].map(xmlCharset)).toEqual([
      'utf-8',
      'utf-8',
      'us-ascii',
      'iso-8859-1',
      'iso-8859-1',
    ]);
    for (const label of ['utf-16', 'utf8', 'latin1', 'ISO_8859-1', 'ascii', '', 'constructor', '__proto__'])
      expect(xmlCharset(label)).toBeUndefined();
    expect(() => decodeXml(ascii('<a/>'), 'latin1')).toThrow("unsupported character encoding 'latin1'");
  });

  it('an XML declaration may name the three charsets by their common aliases', () => {
    for (const alias of ['utf8', 'ASCII', 'latin1', 'ISO_8859-1', 'iso-latin-1']) {
      expect(decodeXml(ascii(`<?xml version="1.0" encoding="${alias}"?><a>x</a>`))).toBe(
        `<?xml version="1.0" encoding="${alias}"?><a>x</a>`,
      );
    }
  });
});
