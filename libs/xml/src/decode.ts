/**
 * Turning a received body into text. The charset of the Content-Type wins, else the encoding of the XML
 * declaration, else UTF-8. Only UTF-8, US-ASCII and ISO-8859-1 are supported: the XML-based protocols we
 * serve ask for no others, and every other one would need a decoder of its own.
 */
import { XmlReadError } from './errors';

export type XmlCharset = 'utf-8' | 'us-ascii' | 'iso-8859-1';

/** The Content-Type charsets taken (case-insensitive): their exact names only, as HTTP labels them. */
const CONTENT_TYPE_CHARSETS: ReadonlyMap<string, XmlCharset> = new Map([
  ['utf-8', 'utf-8'],
  ['us-ascii', 'us-ascii'],
  ['iso-8859-1', 'iso-8859-1'],
]);

/** An XML declaration is read as leniently as XML parsers do: the common aliases of the same three. */
const DECLARED_ENCODINGS: ReadonlyMap<string, XmlCharset> = new Map([
  ...CONTENT_TYPE_CHARSETS,
  ['utf8', 'utf-8'],
  ['ascii', 'us-ascii'],
  ['iso_8859-1', 'iso-8859-1'],
  ['latin1', 'iso-8859-1'],
  ['iso-latin-1', 'iso-8859-1'],
]);

/** The supported charset a Content-Type charset parameter names, or undefined (an HTTP server answers 415). */
export function xmlCharset(label: string): XmlCharset | undefined {
  return CONTENT_TYPE_CHARSETS.get(label.trim().toLowerCase());
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fail(reason: string): never {
  throw new XmlReadError('ENCODING', reason, 1, 1);
}

/** The encoding named by an XML declaration at the start of the bytes, if any. */
function declaredEncoding(body: Uint8Array): string | undefined {
  if (body[0] !== 0x3c || body[1] !== 0x3f) return undefined;
  let head = '';
  for (let i = 0; i < body.length && i < 200; i++) {
    const b = body[i];
    if (b === 0x3e || b > 0x7f) break;
    head += String.fromCharCode(b);
  }
  return /^<\?xml\s[^>]*?\bencoding\s*=\s*["']([^"']*)["']/.exec(head)?.[1];
}

export function decodeXml(body: Uint8Array, contentTypeCharset?: string): string {
  const hasBom = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf;
  const declared = contentTypeCharset === undefined ? (hasBom ? 'utf-8' : declaredEncoding(body)) : undefined;
  const label = contentTypeCharset ?? declared ?? 'utf-8';
  const charset =
    contentTypeCharset === undefined ? DECLARED_ENCODINGS.get(label.trim().toLowerCase()) : xmlCharset(label);
  if (!charset) fail(`unsupported character encoding '${label}'`);
  switch (charset) {
    case 'utf-8':
      try {
        return utf8.decode(body);
      } catch {
        return fail('the body is not valid UTF-8');
      }
    case 'us-ascii': {
      let out = '';
      for (let i = 0; i < body.length; i++) {
        if (body[i] > 0x7f) fail(`byte 0x${body[i].toString(16)} at ${i} is not US-ASCII`);
      }
      for (let i = 0; i < body.length; i += 8192) out += String.fromCharCode(...body.subarray(i, i + 8192));
      return out;
    }
    case 'iso-8859-1': {
      let out = '';
      for (let i = 0; i < body.length; i += 8192) out += String.fromCharCode(...body.subarray(i, i + 8192));
      return out;
    }
  }
}
