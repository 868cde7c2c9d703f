import { createHash, X509Certificate } from 'node:crypto';
import { certificateFingerprint, normalizeFingerprint } from './fingerprint';
import { selfSignedCertificate } from './testing/certificate.test-util';

describe('SEC-3 certificate fingerprint', () => {
  it('SEC-3: the example digest gives E9:08:35:EF:2A:5D:E1:71:10:9F', () => {
    expect(normalizeFingerprint('6a1ac74c6a8ee3190efcc4c9d99b474a03e345df4b70e90835ef2a5de171109f')).toBe(
      'E9:08:35:EF:2A:5D:E1:71:10:9F',
    );
  });

  it.each([
    ['RSA 2048', 'rsa', 'rsa'],
    ['ECDSA P-256', 'ecdsa', 'ec'],
  ] as const)(
    'SEC-3: for a generated %s certificate it is the last 10 bytes of SHA-256 over the DER',
    (_, algorithm, keyType) => {
      const der = selfSignedCertificate(algorithm);
      const certificate = new X509Certificate(der);
      expect([
        certificate.publicKey.asymmetricKeyType,
        certificate.subject,
        certificate.verify(certificate.publicKey),
      ]).toEqual([keyType, 'CN=ven-test', true]);
      const fingerprint = certificateFingerprint(der);
      const digest = createHash('sha256').update(der).digest('hex').toUpperCase();
      expect(fingerprint).toMatch(/^([0-9A-F]{2}:){9}[0-9A-F]{2}$/);
      expect(fingerprint.replace(/:/g, '')).toBe(digest.slice(44));
      // Node's own full fingerprint of the same certificate ends with ours (openleadr: hex digest characters 44-63).
      expect(certificate.fingerprint256.endsWith(fingerprint)).toBe(true);
      expect(normalizeFingerprint(certificate.fingerprint256)).toBe(fingerprint);
    },
  );

  it('SEC-3: provisioned values: case and colons ignored, a full SHA-256 reduced to its last 10 bytes', () => {
    expect(normalizeFingerprint('e9:08:35:ef:2a:5d:e1:71:10:9f')).toBe('E9:08:35:EF:2A:5D:E1:71:10:9F');
    expect(normalizeFingerprint('E90835EF2A5DE171109F')).toBe('E9:08:35:EF:2A:5D:E1:71:10:9F');
    for (const bad of ['', 'E9:08', 'zz0835EF2A5DE171109F', 'E90835EF2A5DE171109F00'])
      expect(normalizeFingerprint(bad)).toBeUndefined();
  });
});
