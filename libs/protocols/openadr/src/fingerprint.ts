/** SEC-3: the certificate fingerprint OpenADR 2.0 (and openleadr) identify a VEN by. */
import { createHash } from 'node:crypto';

function pairs(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/**
 * The last 10 bytes of the SHA-256 digest of the DER of the leaf certificate, as upper-case hex pairs
 * joined by `:` (29 characters).
 */
export function certificateFingerprint(der: Uint8Array): string {
  return pairs(createHash('sha256').update(der).digest().subarray(22, 32));
}

/**
 * A provisioned fingerprint in the SEC-3 form: case and `:` are ignored, and a full 32-byte SHA-256
 * fingerprint is reduced to its last 10 bytes. Undefined when it is neither 10 nor 32 bytes of hex.
 */
export function normalizeFingerprint(value: string): string | undefined {
  const hex = value.replace(/:/g, '').trim().toUpperCase();
  if (!/^[0-9A-F]*$/.test(hex) || (hex.length !== 20 && hex.length !== 64)) return undefined;
  return pairs(Uint8Array.from(hex.slice(-20).match(/../g) ?? [], (h) => parseInt(h, 16)));
}
