/**
 * XML 1.0 (fifth edition) character and name classes, as libxml2 applies them by default.
 */

/** Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF] (checked on code points). */
export function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x9 || cp === 0xa || cp === 0xd;
  if (cp <= 0xd7ff) return true;
  if (cp < 0xe000) return false;
  if (cp <= 0xfffd) return true;
  return cp >= 0x10000 && cp <= 0x10ffff;
}

export function isNameStartChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || cp === 0x3a;
  return (
    (cp >= 0xc0 && cp <= 0xd6) ||
    (cp >= 0xd8 && cp <= 0xf6) ||
    (cp >= 0xf8 && cp <= 0x2ff) ||
    (cp >= 0x370 && cp <= 0x37d) ||
    (cp >= 0x37f && cp <= 0x1fff) ||
    (cp >= 0x200c && cp <= 0x200d) ||
    (cp >= 0x2070 && cp <= 0x218f) ||
    (cp >= 0x2c00 && cp <= 0x2fef) ||
    (cp >= 0x3001 && cp <= 0xd7ff) ||
    (cp >= 0xf900 && cp <= 0xfdcf) ||
    (cp >= 0xfdf0 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0xeffff)
  );
}

export function isNameChar(cp: number): boolean {
  if (cp < 0x80) {
    return (
      (cp >= 0x61 && cp <= 0x7a) ||
      (cp >= 0x41 && cp <= 0x5a) ||
      (cp >= 0x30 && cp <= 0x39) ||
      cp === 0x5f ||
      cp === 0x3a ||
      cp === 0x2d ||
      cp === 0x2e
    );
  }
  return isNameStartChar(cp) || cp === 0xb7 || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x203f && cp <= 0x2040);
}

/** Whitespace as XML defines it (S ::= (#x20 | #x9 | #xD | #xA)+). */
export function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

export function isXmlWhitespaceOnly(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (!isXmlSpace(text.charCodeAt(i))) return false;
  return true;
}

function isName(value: string, allowColon: boolean): boolean {
  if (value.length === 0) return false;
  let first = true;
  for (const ch of value) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!allowColon && cp === 0x3a) return false;
    if (first ? !isNameStartChar(cp) : !isNameChar(cp)) return false;
    first = false;
  }
  return true;
}

/** Name production (colons allowed). */
export function isXmlName(value: string): boolean {
  return isName(value, true);
}

/** NCName: a Name without colons. */
export function isNcName(value: string): boolean {
  return isName(value, false);
}

/** Nmtoken ::= (NameChar)+ */
export function isNmtoken(value: string): boolean {
  if (value.length === 0) return false;
  for (const ch of value) if (!isNameChar(ch.codePointAt(0) ?? 0)) return false;
  return true;
}

/** XML 1.0 text the writer may emit: every code point a Char, surrogates paired. */
export function isXmlText(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
      continue;
    }
    if (!isXmlChar(c)) return false;
  }
  return true;
}
