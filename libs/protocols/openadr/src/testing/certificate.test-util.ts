/**
 * Self-signed X.509 v3 certificates made with node:crypto alone (no openssl binary, no files): the DER of
 * the certificate is what SEC-3 fingerprints.
 */
import { generateKeyPairSync, sign } from 'node:crypto';

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let rest = n; rest > 0; rest >>= 8) bytes.unshift(rest & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
};
const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);

function oid(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const base128 = (n: number): number[] => {
    const out = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) out.unshift(0x80 | (v & 0x7f));
    return out;
  };
  return tlv(0x06, Buffer.from([40 * first + second, ...rest.flatMap(base128)]));
}

const utcTime = (date: Date): Buffer =>
  tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
const commonName = (cn: string): Buffer => sequence(tlv(0x31, sequence(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));

const ALGORITHMS = {
  rsa: {
    keys: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
    signature: sequence(oid('1.2.840.113549.1.1.11'), tlv(0x05)),
  },
  ecdsa: {
    keys: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    signature: sequence(oid('1.2.840.10045.4.3.2')),
  },
} as const;

/** A fresh self-signed certificate (CN=ven-test, valid for a day) with an RSA 2048 or ECDSA P-256 key, as DER. */
export function selfSignedCertificate(algorithm: keyof typeof ALGORITHMS): Uint8Array {
  const { keys, signature } = ALGORITHMS[algorithm];
  const { publicKey, privateKey } = keys();
  const now = new Date();
  const tbs = sequence(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))),
    tlv(0x02, Buffer.from([0x01, ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 256))])),
    signature,
    commonName('ven-test'),
    sequence(utcTime(now), utcTime(new Date(now.getTime() + 86_400_000))),
    commonName('ven-test'),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const value = sign('sha256', tbs, privateKey);
  return new Uint8Array(sequence(tbs, signature, tlv(0x03, Buffer.from([0]), value)));
}
