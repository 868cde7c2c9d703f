import { createHash } from 'node:crypto';
import { P2PError } from '../errors';

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the JSON values settlement inputs consist of: object members
 * sorted by UTF-16 code units, no whitespace, numbers and strings as ECMAScript's JSON.stringify writes them
 * (which is what RFC 8785 prescribes for both).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new P2PError('INVALID_ARGUMENT', `canonical JSON has no form for ${value}.`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // Default sort compares UTF-16 code units, as RFC 8785 orders member names.
    const keys = Object.keys(record).sort();
    let out = '{';
    for (const key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return `${out}}`;
  }
  throw new P2PError('INVALID_ARGUMENT', `canonical JSON has no form for a ${typeof value}.`);
}

/** Hex SHA-256 of canonical JSON text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
