/**
 * A test PKI made with the openssl command: a CA, the VTN's server certificate for 127.0.0.1, VEN client
 * certificates with RSA 2048 and ECDSA P-256 keys, one from another CA and one that has expired.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateFingerprint } from '@flexgrid/protocol-openadr';

export interface Credential {
  readonly key: string;
  readonly cert: string;
  readonly keyFile: string;
  readonly certFile: string;
  /** SEC-3 fingerprint of the certificate. */
  readonly fingerprint: string;
}

export interface TestPki {
  readonly dir: string;
  readonly caFile: string;
  readonly ca: string;
  readonly server: Credential;
  readonly rsa: Credential;
  readonly ecdsa: Credential;
  readonly other: Credential;
  readonly foreign: Credential;
  readonly expired: Credential;
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

function credential(dir: string, name: string): Credential {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.pem`);
  const cert = readFileSync(certFile, 'utf8');
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert,
    keyFile,
    certFile,
    fingerprint: certificateFingerprint(new X509Certificate(cert).raw),
  };
}

function keyArgs(kind: 'rsa' | 'ecdsa'): string[] {
  return kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'vtn-pki-'));
  for (const ca of ['ca', 'foreign-ca'])
    openssl(
      dir,
      'req',
      '-x509',
      ...keyArgs('rsa'),
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      `/CN=${ca}`,
    );
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const issue = (name: string, kind: 'rsa' | 'ecdsa', ca: string, extra: string[] = []) => {
    openssl(
      dir,
      'req',
      ...keyArgs(kind),
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '2',
      ...extra,
    );
  };
  issue('server', 'rsa', 'ca', ['-extfile', 'server.ext']);
  issue('ven-rsa', 'rsa', 'ca');
  issue('ven-ecdsa', 'ecdsa', 'ca');
  issue('ven-other', 'ecdsa', 'ca');
  issue('ven-foreign', 'rsa', 'foreign-ca');
  // An expired certificate: OpenSSL 3.0's `x509` cannot backdate, `ca` can.
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'default_md = sha256',
      'policy = anything',
      '[anything]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    dir,
    'req',
    ...keyArgs('rsa'),
    '-nodes',
    '-keyout',
    'ven-expired.key',
    '-out',
    'ven-expired.csr',
    '-subj',
    '/CN=ven-expired',
  );
  openssl(
    dir,
    'ca',
    '-batch',
    '-config',
    'ca.cnf',
    '-cert',
    'ca.pem',
    '-keyfile',
    'ca.key',
    '-in',
    'ven-expired.csr',
    '-out',
    'ven-expired.pem',
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  );
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    server: credential(dir, 'server'),
    rsa: credential(dir, 'ven-rsa'),
    ecdsa: credential(dir, 'ven-ecdsa'),
    other: credential(dir, 'ven-other'),
    foreign: credential(dir, 'ven-foreign'),
    expired: credential(dir, 'ven-expired'),
  };
}
