import { createHash, createPrivateKey, createPublicKey, sign, timingSafeEqual, verify } from 'node:crypto';
import { P2PError } from '../errors';

/** P2P-U3: registration ids, `gridId` and `producerId`. */
export const REGISTRATION_ID = /^[A-Za-z0-9._~-]{8,128}$/;
/** P2P-U3: stream keys (`root`, `meterId`, `producerId`). */
export const STREAM_KEY = /^[\x21-\x7E]{1,200}$/;
/** §2: a registration's secret. */
export const SIDE_KEY = /^[A-Za-z0-9_-]{16,128}$/;

/** P2P-CH1: base64url (no padding) of SHA-256 over the UTF-8 secret; 43 characters. */
export function sideKeyHash(sideKey: string): string {
  return createHash('sha256').update(sideKey, 'utf8').digest('base64url');
}

/** P2P-CH1: compares two hashes in constant time. */
export function sameSideKeyHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** How a stream stands with its registration (P2P-CH3/CH4). */
export type StreamBinding = 'bound' | 'unbound' | 'suspended';

/**
 * A registration's hold on its stream: bound with proof (needs a matching hello), by the operator (no hello
 * needed, for meters of other flexgrid services), or not at all (never bound, or unbound by a goodbye until
 * the next registration call).
 */
export interface StreamRegistration {
  binding: 'proof' | 'operator' | 'none';
  sideKeyHash: string | null;
}

/**
 * P2P-CH3/CH4: whether a stream's data is stored. Proof-bound streams need their latest hello to carry the
 * registration's hash; a hello with another hash suspends them until the registration is updated.
 */
export function streamBinding(
  registration: StreamRegistration | undefined,
  latestHelloHash: string | undefined,
): StreamBinding {
  if (!registration || registration.binding === 'none') return 'unbound';
  if (registration.binding === 'operator') return 'bound';
  if (latestHelloHash === undefined || registration.sideKeyHash === null) return 'unbound';
  return sameSideKeyHash(latestHelloHash, registration.sideKeyHash) ? 'bound' : 'suspended';
}

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signingKey(seed: string) {
  const raw = Buffer.from(seed, 'base64url');
  if (raw.length !== 32)
    throw new P2PError('INVALID_CONFIG', 'the grid signing key must be a base64url 32-byte Ed25519 seed.');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** P2P-CH5: the grid's verification key, the raw 32-byte Ed25519 public key as base64url (43 characters). */
export function verificationKey(seed: string): string {
  const jwk = createPublicKey(signingKey(seed)).export({ format: 'jwk' });
  return jwk.x as string;
}

/** P2P-CH5 `ce_p2psig`: base64url Ed25519 signature over the exact record value bytes. */
export function signPaymentRequest(valueBytes: Uint8Array, seed: string): string {
  return sign(null, valueBytes, signingKey(seed)).toString('base64url');
}

/**
 * `signPaymentRequest` for a run's thousands of requests: the key is made once, and each signature is computed
 * on libuv's thread pool, so a caller can sign while it waits for its database.
 */
export function paymentRequestSigner(seed: string): (valueBytes: Uint8Array) => Promise<string> {
  const key = signingKey(seed);
  return (valueBytes) =>
    new Promise((resolve, reject) =>
      sign(null, valueBytes, key, (error, signature) =>
        error ? reject(error) : resolve(signature.toString('base64url')),
      ),
    );
}

const VERIFICATION_KEY = /^[A-Za-z0-9_-]{43}$/;

/** What a wallet SHOULD check with the key from its registration answer; a malformed signature verifies false. */
export function verifyPaymentRequest(valueBytes: Uint8Array, signature: string, key: string): boolean {
  if (!VERIFICATION_KEY.test(key))
    throw new P2PError(
      'INVALID_ARGUMENT',
      'a verification key is a raw Ed25519 public key in 43 base64url characters (P2P-CH5).',
    );
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key }, format: 'jwk' });
  return verify(null, valueBytes, publicKey, Buffer.from(signature, 'base64url'));
}
