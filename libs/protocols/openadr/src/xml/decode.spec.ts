import { decodeXml, xmlCharset } from './decode';
import { XmlReadError } from './reader';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('XML-2 decoding', () => {
  it('XML-2: without any charset information the body is UTF-8 (BOM removed)', () => {
    expect(decodeXml(new TextEncoder().encode('<a>é€😀</a>'))).toBe('<a>é€😀</a>');
    expect(decodeXml(bytes(0xef, 0xbb, 0xbf, ...ascii('<a/>')))).toBe('<a/>');
  });

  it("XML-2: the XML declaration's encoding applies when the Content-Type names none", () => {
    const latin1 = bytes(...ascii('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, 0x80, ...ascii('</a>'));
    expect(decodeXml(latin1)).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>é\u0080</a>');
  });

  it('XML-2: the Content-Type charset wins over the XML declaration', () => {
    const utf8 = new TextEncoder().encode('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>');
    expect(decodeXml(utf8, 'utf-8')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>é</a>');
    expect(decodeXml(utf8, 'iso-8859-1')).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><a>Ã©</a>');
  });

  it.each([
    [new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), undefined, 'not valid UTF-8'],
    [bytes(...ascii('<a>'), 0xe9, ...ascii('</a>')), 'us-ascii', 'not US-ASCII'],
    [ascii('<?xml version="1.0" encoding="UTF-16"?><a/>'), undefined, "unsupported character encoding 'UTF-16'"],
    [ascii('<a/>'), 'shift_jis', "unsupported character encoding 'shift_jis'"],
  ])('XML-2: %#: undecodable bodies are an encoding error', (body, charset, reason) => {
    expect(() => decodeXml(body, charset)).toThrow(XmlReadError);
    expect(() => decodeXml(body, charset)).toThrow(reason);
  });

  it('TR-4 step 4: only utf-8, us-ascii and iso-8859-1 (with their common labels) are supported charsets', () => {
    expect(['UTF-8', 'utf8', 'US-ASCII', 'iso-8859-1', 'ISO_8859-1', 'latin1'].map(xmlCharset)).toEqual(['utf-8', 'utf-8', 'us-ascii', 'iso-8859-1', 'iso-8859-1', 'iso-8859-1']);
    expect(xmlCharset('utf-16')).toBeUndefined();
  });
});
