import { answer, json, operator, startTestProducer, type TestProducer } from './test-producer.test-util';

const SECRET = 'panel-secret-00001';
const OTHER = 'panel-secret-00002';

describe("the producer's registration API (§12) and HTTP conventions (§15)", () => {
  let producer: TestProducer;
  beforeAll(async () => {
    producer = await startTestProducer({ P2P_HELLO_WAIT_MS: '1500' });
  });
  afterAll(() => producer.stop());
  const put = (id: string, body?: unknown, headers: Record<string, string> = {}, query = '') =>
    answer(producer.app.fetch(`/registration/${id}${query}`, json('PUT', body, headers)));
  const stored = async () =>
    (await producer.app.query<{ n: number }>('select count(*)::int as n from registrations'))[0].n;
  const invalid = (name: string) => ({
    status: 400,
    body: { success: false, message: `The parameter '${name}' has an invalid value.` },
  });

  it('P2P-REG check 0: unparsable JSON, no JSON object, a non-JSON body and 64 KiB + 1 are refused; nothing stored', async () => {
    // The platform's body parser fails before the routes: the same envelope, from the one mapper.
    expect(await put('PANEL0001', '{"itemType":')).toEqual({
      status: 400,
      body: { success: false, message: 'The request body is not valid JSON.' },
    });
    expect((await put('PANEL0001', '"solar"')).body.message).toBe('The request body must be JSON.');
    const text = await answer(
      producer.app.fetch('/registration/PANEL0001', {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: 'itemType=solar',
      }),
    );
    expect(text).toEqual({ status: 400, body: { success: false, message: 'The request body must be JSON.' } });
    const big = await put('PANEL0001', { itemName: 'x', pad: 'y'.repeat(64 * 1024) });
    expect(big).toEqual({ status: 413, body: { success: false, message: 'The request body is too large.' } });
    expect(await stored()).toBe(0);
  });

  it('P2P-REG checks 1–5 and 7 in order, with their exact messages; nothing stored', async () => {
    expect(await put('short', { itemType: 'solar' })).toEqual(invalid('registrationId'));
    expect(await put('PANEL0001', { registrationId: 'PANEL0002' })).toEqual(invalid('registrationId'));
    expect(await put('PANEL0001', {}, {}, '?registrationId=PANEL0002')).toEqual(invalid('registrationId'));
    // Check 1 comes before check 2.
    expect(await put('bad id!', { itemName: 5 })).toEqual(invalid('registrationId'));
    expect(await put('PANEL0001', { itemName: 'x'.repeat(101) })).toEqual(invalid('itemName'));
    expect(await put('PANEL0001', { itemName: 'ok', itemType: '  ' })).toEqual(invalid('itemType'));
    expect(await put('PANEL0001', { itemType: 'x'.repeat(51) })).toEqual(invalid('itemType'));
    expect(await put('PANEL0001', { itemType: 'solar', root: 'has space' })).toEqual(invalid('root'));
    expect(await put('PANEL0001', { itemType: 'solar', sideKey: 'short' })).toEqual(invalid('sideKey'));
    // 7: a root with neither sideKey nor a secret on file needs the operator token.
    expect(await put('PANEL0001', { itemType: 'solar', root: 'meter-p1' })).toEqual(invalid('sideKey'));
    expect(await stored()).toBe(0);
  });

  it("P2P-REG check 10: binding with proof waits for the source's hello on meter.readings, 409 without it", async () => {
    expect(await put('PANEL0010', { itemType: 'solar', root: 'meter-p10', sideKey: SECRET })).toEqual({
      status: 409,
      body: {
        success: false,
        message: "Unable to initialise mam channel for item, could not find initial 'hello' command.",
      },
    });
    expect(await stored()).toBe(0);
    const pending = put('PANEL0010', { itemType: 'solar', itemName: 'Roof 10', root: 'meter-p10', sideKey: SECRET });
    await producer.hello('meter-p10', SECRET);
    expect(await pending).toEqual({ status: 200, body: { success: true, message: 'OK' } });
    const got = await answer(producer.app.fetch('/registration/PANEL0010'));
    expect(got.body.registration).toMatchObject({
      id: 'PANEL0010',
      itemName: 'Roof 10',
      itemType: 'solar',
      role: 'source',
      root: 'meter-p10',
      hasSecret: true,
      hasReturnChannel: false,
      status: 'active',
    });
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
  });

  it('P2P-REG checks 6 and 9: a change needs the secret (403), a stream serves one source (409); an unchanged PUT needs no proof', async () => {
    expect(await put('PANEL0010', { itemName: 'Renamed' })).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'PANEL0010' sideKey failure." },
    });
    expect(await put('PANEL0010', { itemName: 'Renamed', sideKey: OTHER })).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'PANEL0010' sideKey failure." },
    });
    expect(await put('PANEL0010', { itemName: 'Roof 10' })).toEqual({
      status: 200,
      body: { success: true, message: 'OK' },
    });
    // The producer's itemType is a kind, not a settlement role: it may change (with the secret).
    expect((await put('PANEL0010', { itemType: 'solar-tracker', sideKey: SECRET })).status).toBe(200);
    expect(await put('PANEL0011', { itemType: 'solar', root: 'meter-p10' }, operator)).toEqual({
      status: 409,
      body: { success: false, message: "Channel 'meter-p10' is already registered to 'PANEL0010'." },
    });
    // The operator binds a meter of another flexgrid service without a hello (P2P-CH3).
    expect((await put('TURBINE01', { itemType: 'wind', root: 'ven1:r1' }, operator)).status).toBe(200);
  });

  it('P2P-REG §12.3: DELETE checks in order, deregisters, a second DELETE is 404; re-registering re-activates', async () => {
    const del = (path: string) => answer(producer.app.fetch(path, { method: 'DELETE' }));
    expect(await del(`/registration/bad/${SECRET}`)).toEqual(invalid('registrationId'));
    expect(await del('/registration/PANEL0010/short')).toEqual(invalid('sideKey'));
    expect(await del(`/registration/NOBODY001/${SECRET}`)).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'NOBODY001' does not exist." },
    });
    expect(await del(`/registration/PANEL0010/${OTHER}`)).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'PANEL0010' sideKey failure." },
    });
    expect(await del(`/registration/PANEL0010/${SECRET}`)).toEqual({
      status: 200,
      body: { success: true, message: 'OK' },
    });
    expect((await del(`/registration/PANEL0010/${SECRET}`)).status).toBe(404);
    expect((await answer(producer.app.fetch('/registration/PANEL0010'))).status).toBe(404);
    // Without the registration route's sideKey segment there is no route (§17 "kept on purpose").
    expect(await del('/registration/TURBINE01')).toEqual({
      status: 404,
      body: { success: false, message: 'Cannot DELETE /registration/TURBINE01' },
    });
    expect((await put('PANEL0010', { itemType: 'solar' }, operator)).status).toBe(200);
    const periods = await producer.app.query<{ n: number }>(
      `select count(*)::int as n from registration_periods where registration_id = 'PANEL0010'`,
    );
    expect(periods[0].n).toBe(2);
  });

  it('P2P-H1..H5: GET / answers name and version, CORS preflight 204, unknown routes 404 as JSON, the operator API 401', async () => {
    expect(await answer(producer.app.fetch('/'))).toEqual({
      status: 200,
      body: { name: '@flexgrid/p2p-producer', version: '0.1.0' },
    });
    const preflight = await producer.app.fetch('/registration/PANEL0001', {
      method: 'OPTIONS',
      headers: { origin: 'https://example.org', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Side-Key, Authorization');
    const unknown = await producer.app.fetch('/nothing/here', { method: 'POST' });
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { success: false, message: 'Cannot POST /nothing/here' },
    ]);
    const refused = await producer.app.fetch('/api/operator/sources');
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    expect([refused.status, await refused.json()]).toEqual([
      401,
      { success: false, message: 'Operator token required.' },
    ]);
    const sources = await answer(producer.app.fetch('/api/operator/sources', { headers: operator }));
    expect(sources.body).toMatchObject({ success: true, totalItems: 2 });
    expect(sources.body.items).toEqual([
      expect.objectContaining({ id: 'PANEL0010', root: 'meter-p10', binding: 'operator', stream: 'bound' }),
      expect.objectContaining({ id: 'TURBINE01', root: 'ven1:r1', binding: 'operator', stream: 'bound' }),
    ]);
  });
});
