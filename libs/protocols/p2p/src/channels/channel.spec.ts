import { createHash } from 'node:crypto';
import { P2PError } from '../errors';
import {
  sameSideKeyHash,
  sideKeyHash,
  paymentRequestSigner,
  signPaymentRequest,
  streamBinding,
  verificationKey,
  verifyPaymentRequest,
} from './channel';

describe('P2P-CH channels', () => {
  it('P2P-CH1: sideKeyHash is base64url SHA-256 of the UTF-8 secret, 43 characters', () => {
    const hash = sideKeyHash('secret-side-key-0001');
    expect(hash).toHaveLength(43);
    expect(hash).toBe(
      createHash('sha256')
        .update('secret-side-key-0001')
        .digest('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, ''),
    );
    expect(sameSideKeyHash(hash, sideKeyHash('secret-side-key-0001'))).toBe(true);
    expect(sameSideKeyHash(hash, sideKeyHash('secret-side-key-0002'))).toBe(false);
    expect(sameSideKeyHash(hash, 'short')).toBe(false);
  });

  it('P2P-CH3/CH4/IN7: bound with proof, by the operator, unbound (also after a goodbye), or suspended by a hello with another hash', () => {
    const hash = sideKeyHash('secret-side-key-0001');
    expect(streamBinding(undefined, hash)).toBe('unbound');
    expect(streamBinding({ binding: 'proof', sideKeyHash: hash }, hash)).toBe('bound');
    expect(streamBinding({ binding: 'proof', sideKeyHash: hash }, undefined)).toBe('unbound');
    expect(streamBinding({ binding: 'proof', sideKeyHash: hash }, sideKeyHash('other-secret-0000'))).toBe('suspended');
    expect(streamBinding({ binding: 'operator', sideKeyHash: null }, undefined)).toBe('bound');
    // After a goodbye the registration holds no binding until the next registration call.
    expect(streamBinding({ binding: 'none', sideKeyHash: hash }, hash)).toBe('unbound');
  });

  it('P2P-CH5: payment requests are signed with the grid key and verifiable with the 43-character public key', () => {
    const seed = Buffer.alloc(32, 7).toString('base64url');
    const key = verificationKey(seed);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bytes = Buffer.from(JSON.stringify({ command: 'payment-request', owed: 30 }));
    const signature = signPaymentRequest(bytes, seed);
    expect(verifyPaymentRequest(bytes, signature, key)).toBe(true);
    expect(
      verifyPaymentRequest(Buffer.from(JSON.stringify({ command: 'payment-request', owed: 31 })), signature, key),
    ).toBe(false);
    expect(() => signPaymentRequest(bytes, 'tooshort')).toThrow(/32-byte Ed25519 seed/);
    // A mangled signature from the wire is simply invalid; a malformed key is a clear error, not a crypto TypeError.
    expect(verifyPaymentRequest(bytes, 'abc', key)).toBe(false);
    expect(() => verifyPaymentRequest(bytes, signature, 'short')).toThrow(P2PError);
  });

  it('P2P-CH5: the pooled signer signs as signPaymentRequest does', async () => {
    const seed = Buffer.alloc(32, 9).toString('base64url');
    const signer = paymentRequestSigner(seed);
    const values = [1, 2, 3].map((owed) => Buffer.from(JSON.stringify({ command: 'payment-request', owed })));
    const signatures = await Promise.all(values.map(signer));
    expect(signatures).toEqual(values.map((bytes) => signPaymentRequest(bytes, seed)));
    expect(values.map((bytes, i) => verifyPaymentRequest(bytes, signatures[i], verificationKey(seed)))).toEqual([
      true,
      true,
      true,
    ]);
    expect(() => paymentRequestSigner('tooshort')).toThrow(/32-byte Ed25519 seed/);
  });
});
