import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint, normalizeFingerprint } from './fingerprint';

/** A fresh self-signed certificate (DER) made by openssl with the given -newkey options. */
function selfSigned(newKey: string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'oadr-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-nodes', ...newKey, '-keyout', join(dir, 'key.pem'), '-subj', '/CN=ven-test', '-days', '1', '-outform', 'DER', '-out', join(dir, 'cert.der')], { stdio: 'ignore' });
    return new Uint8Array(readFileSync(join(dir, 'cert.der')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SEC-3 certificate fingerprint', () => {
  it('SEC-3: the example digest gives E9:08:35:EF:2A:5D:E1:71:10:9F', () => {
    expect(normalizeFingerprint('6a1ac74c6a8ee3190efcc4c9d99b474a03e345df4b70e90835ef2a5de171109f')).toBe('E9:08:35:EF:2A:5D:E1:71:10:9F');
  });

  it.each([
    ['RSA 2048', ['-newkey', 'rsa:2048']],
    ['ECDSA P-256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ])('SEC-3: for a generated %s certificate it is the last 10 bytes of SHA-256 over the DER', (_, newKey) => {
    const der = selfSigned(newKey);
    expect(new X509Certificate(der).publicKey.asymmetricKeyType).toBe(newKey[1] === 'ec' ? 'ec' : 'rsa');
    const fingerprint = certificateFingerprint(der);
    const digest = createHash('sha256').update(der).digest('hex').toUpperCase();
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){9}[0-9A-F]{2}$/);
    expect(fingerprint.replace(/:/g, '')).toBe(digest.slice(44));
    // Node's own full fingerprint of the same certificate ends with ours (openleadr: hex digest characters 44-63).
    expect(new X509Certificate(der).fingerprint256.endsWith(fingerprint)).toBe(true);
    expect(normalizeFingerprint(new X509Certificate(der).fingerprint256)).toBe(fingerprint);
  });

  it('SEC-3: provisioned values: case and colons ignored, a full SHA-256 reduced to its last 10 bytes', () => {
    expect(normalizeFingerprint('e9:08:35:ef:2a:5d:e1:71:10:9f')).toBe('E9:08:35:EF:2A:5D:E1:71:10:9F');
    expect(normalizeFingerprint('E90835EF2A5DE171109F')).toBe('E9:08:35:EF:2A:5D:E1:71:10:9F');
    for (const bad of ['', 'E9:08', 'zz0835EF2A5DE171109F', 'E90835EF2A5DE171109F00']) expect(normalizeFingerprint(bad)).toBeUndefined();
  });
});
