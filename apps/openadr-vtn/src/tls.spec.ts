/**
 * §10 on real TLS: mutual TLS with test-made RSA and ECDSA certificates (SEC-1, SEC-2), fingerprints on every
 * request (SEC-3, SEC-4), allow-list admission in TLS mode (REG-3), and plain HTTP only with both dev flags (SEC-6).
 */
import { request } from 'node:https';
import { loadConfig } from '@flexgrid/platform-service';
import {
  type OadrPayload,
  type OadrService,
  readOadrPayload,
  validateOadrMessage,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';
import { configProblems, vtnEnv } from './config';
import { type Credential, makeTestPki, type TestPki } from './testing/pki.test-util';
import { createRegistration, startVtn, type VtnUnderTest, API_TOKEN } from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let pki: TestPki;
let t: VtnUnderTest;
beforeAll(() => {
  pki = makeTestPki();
});
beforeEach(async () => {
  t = await startVtn({
    OADR_TLS: 'on',
    OADR_ALLOW_INSECURE_HTTP: 'false',
    OADR_REGISTRATION_POLICY: 'allow-list',
    OADR_TLS_CERT: pki.server.certFile,
    OADR_TLS_KEY: pki.server.keyFile,
    OADR_TLS_CA: pki.caFile,
  });
});
afterEach(() => t.stop());

interface TlsAnswer {
  readonly status: number;
  readonly payload?: OadrPayload;
}

function post(
  service: OadrService,
  payload: OadrPayload,
  client: Credential | undefined,
  options: { maxVersion?: 'TLSv1.1' | 'TLSv1.2'; minVersion?: 'TLSv1' | 'TLSv1.1' } = {},
  headers: Record<string, string> = {},
): Promise<TlsAnswer> {
  const url = new URL(`${t.vtn.openadrUrl}/${service}`);
  const body = writeOadrPayload(payload);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca: pki.ca,
        ...(client && { key: client.key, cert: client.cert }),
        ...options,
        headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return resolve({ status: res.statusCode ?? 0 });
          const invalid = validateOadrMessage(text);
          if (invalid) return reject(new Error(`XSD-invalid answer: ${invalid.message}`));
          const read = readOadrPayload(text);
          resolve({ status: 200, ...(read.ok && { payload: read.message.payload }) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function provision(venId: string, fingerprint: string) {
  const response = await t.api(`/api/v1/vens/${venId}`, { method: 'PUT', body: { fingerprint, venName: venId } });
  expect(response.status).toBe(201);
}

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });

it('SEC-2 no client certificate, one from another CA, or an expired one: the handshake fails, no HTTP answer', async () => {
  await expect(post('OadrPoll', poll('ven-rsa'), undefined)).rejects.toThrow();
  await expect(post('OadrPoll', poll('ven-rsa'), pki.foreign)).rejects.toThrow();
  await expect(post('OadrPoll', poll('ven-rsa'), pki.expired)).rejects.toThrow();
});

it('SEC-1 TLS 1.1 is refused', async () => {
  await expect(
    post('OadrPoll', poll('ven-rsa'), pki.rsa, { maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }),
  ).rejects.toThrow();
});

it('REG-3 SEC-3 SEC-4 RSA and ECDSA VENs register under the allow-list; a VEN cannot act as another', async () => {
  await provision('ven-rsa', pki.rsa.fingerprint);
  await provision('ven-ecdsa', pki.ecdsa.fingerprint.replace(/:/g, '').toLowerCase()); // normalized (SEC-3)
  const rsa = await post('EiRegisterParty', createRegistration('ven-rsa'), pki.rsa);
  expect(rsa.payload).toMatchObject({ eiResponse: { responseCode: '200' }, venID: 'ven-rsa' });
  // V absent: the VEN is the owner of the certificate.
  const ecdsa = await post('EiRegisterParty', createRegistration(undefined), pki.ecdsa);
  expect(ecdsa.payload).toMatchObject({ eiResponse: { responseCode: '200' }, venID: 'ven-ecdsa' });
  // REG-1: in TLS mode the query names the registered VEN of the certificate.
  const query = await post('EiRegisterParty', { type: 'oadrQueryRegistration', requestID: 'q' }, pki.rsa);
  expect(query.payload).toMatchObject({ venID: 'ven-rsa', registrationID: (rsa.payload as any).registrationID });
  expect((await post('OadrPoll', poll('ven-rsa'), pki.rsa)).payload?.type).toBe('oadrResponse');
  // SEC-4: another VEN's certificate: 403 on other services, 463 on EiRegisterParty.
  expect((await post('OadrPoll', poll('ven-rsa'), pki.ecdsa)).status).toBe(403);
  expect(
    (await post('EiEvent', { type: 'oadrRequestEvent', requestID: 'r', venID: 'ven-rsa' }, pki.ecdsa)).status,
  ).toBe(403);
  const hijack = await post('EiRegisterParty', createRegistration('ven-rsa'), pki.ecdsa);
  expect(hijack.payload).toMatchObject({ eiResponse: { responseCode: '463' } });
  expect(hijack.payload).not.toHaveProperty('venID');
  // A valid certificate of the CA that no VEN is provisioned for.
  expect((await post('EiRegisterParty', createRegistration('ven-other'), pki.other)).payload).toMatchObject({
    eiResponse: { responseCode: '463' },
  });
  expect((await post('OadrPoll', poll('ven-rsa'), pki.other)).status).toBe(403);
  const vens = await t.api('/api/v1/vens');
  expect(vens.body.map((v: any) => [v.venId, v.registration])).toEqual([
    ['ven-ecdsa', 'active'],
    ['ven-rsa', 'active'],
  ]);
});

it('SEC-8 the operator API needs a bearer token; SEC-6 plain HTTP needs both dev flags', async () => {
  expect((await t.app.fetch('/api/v1/vens', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  expect((await t.app.fetch('/api/v1/vens', { headers: { authorization: `Bearer ${API_TOKEN}` } })).status).toBe(200);
  const plainOnly = loadConfig(vtnEnv, { OADR_TLS: 'off', OADR_API_TOKENS: API_TOKEN });
  expect(configProblems(plainOnly)).toEqual([expect.stringContaining('OADR_ALLOW_INSECURE_HTTP=true')]);
  const tlsWithoutFiles = loadConfig(vtnEnv, { OADR_API_TOKENS: API_TOKEN });
  expect(configProblems(tlsWithoutFiles).join('\n')).toMatch(/OADR_TLS_CERT.*\n.*OADR_TLS_CA/);
  expect(() => loadConfig(vtnEnv, { OADR_API_TOKENS: 'short' })).toThrow(/OADR_API_TOKENS/);
  expect(configProblems(loadConfig(vtnEnv, { OADR_API_TOKENS: API_TOKEN, OADR_VTN_ID: 'lowercase' }))[0]).toMatch(
    /^OADR_VTN_ID/,
  );
});

it('SEC-7 a TLS-terminating proxy passes the client certificate in a header, trusted only from OADR_TRUSTED_PROXIES', async () => {
  await t.stop();
  const proxied = (trusted: string) =>
    startVtn({
      OADR_TLS: 'on',
      OADR_ALLOW_INSECURE_HTTP: 'false',
      OADR_REGISTRATION_POLICY: 'allow-list',
      OADR_TLS_CERT: pki.server.certFile,
      OADR_TLS_KEY: pki.server.keyFile,
      OADR_TLS_CA: pki.caFile,
      OADR_CLIENT_CERT_HEADER: 'x-client-cert',
      OADR_TRUSTED_PROXIES: trusted,
    });
  t = await proxied('127.0.0.1/32');
  await provision('ven-rsa', pki.rsa.fingerprint);
  const header = { 'x-client-cert': encodeURIComponent(pki.rsa.cert) };
  // The proxy connects with its own certificate and names the VEN's in the header.
  const viaProxy = await post('EiRegisterParty', createRegistration('ven-rsa'), pki.other, {}, header);
  expect(viaProxy.payload).toMatchObject({ eiResponse: { responseCode: '200' }, venID: 'ven-rsa' });
  await t.stop();
  t = await proxied('10.0.0.0/8');
  await provision('ven-rsa', pki.rsa.fingerprint);
  expect((await post('OadrPoll', poll('ven-rsa'), pki.other, {}, header)).status).toBe(403);
});
