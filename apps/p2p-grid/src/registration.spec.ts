import { sideKeyHash, verifyPaymentRequest } from '@flexgrid/protocol-p2p';
import { answer, json, OPERATOR_TOKEN, startTestGrid, type TestGrid } from './test-grid.test-util';

const SECRET = 'consumer-secret-0001';
const OTHER = 'consumer-secret-0002';
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

describe('registration API (§12) and HTTP conventions (§15)', () => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid({ P2P_HELLO_WAIT_MS: '1500' });
  });
  afterAll(() => grid.stop());
  const put = (id: string, body?: unknown, headers: Record<string, string> = {}, query = '') =>
    answer(grid.app.fetch(`/registration/${id}${query}`, json('PUT', body, headers)));

  it('P2P-REG check 0: unparsable JSON, a body that is no JSON object, a non-JSON body, and 64 KiB + 1 are refused', async () => {
    // The body parser fails before the grid's routes: still the envelope alone, as JSON (one error mapper).
    const unparsable = await grid.app.fetch('/registration/FLAT00001', json('PUT', '{"itemType":'));
    expect(unparsable.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await answer(Promise.resolve(unparsable))).toEqual({
      status: 400,
      body: { success: false, message: 'The request body is not valid JSON.' },
    });
    for (const notAnObject of ['[1]', '42', 'null'])
      expect(await put('FLAT00001', notAnObject)).toEqual({
        status: 400,
        body: { success: false, message: 'The request body must be JSON.' },
      });
    const text = await grid.app.fetch('/registration/FLAT00001', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain' },
      body: 'itemType=consumer',
    });
    expect([text.status, ((await text.json()) as { message: string }).message]).toEqual([
      400,
      'The request body must be JSON.',
    ]);
    const big = await put('FLAT00001', { itemName: 'x', pad: 'y'.repeat(64 * 1024) });
    expect([big.status, big.body.message]).toEqual([413, 'The request body is too large.']);
    // Chunked, with no Content-Length: the route's limit still holds (the service parses up to storage's 1 MiB).
    const chunked = await grid.app.fetch('/registration/FLAT00001', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: new Blob([JSON.stringify({ itemName: 'x', pad: 'y'.repeat(100 * 1024) })]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(await answer(Promise.resolve(chunked))).toEqual({
      status: 413,
      body: { success: false, message: 'The request body is too large.' },
    });
    expect((await grid.app.query('select count(*)::int as n from registrations'))[0]).toEqual({ n: 0 });
  });

  it('P2P-REG checks 1–5: id format and body/query ids, itemName, itemType, root, sideKey; nothing stored', async () => {
    const invalid = (name: string) => ({
      status: 400,
      body: { success: false, message: `The parameter '${name}' has an invalid value.` },
    });
    expect(await put('short', { itemType: 'consumer' })).toEqual(invalid('registrationId'));
    expect(await put('FLAT00001', { registrationId: 'FLAT00002', itemType: 'consumer' })).toEqual(
      invalid('registrationId'),
    );
    expect(await put('FLAT00001', { itemType: 'consumer' }, {}, '?registrationId=FLAT00002')).toEqual(
      invalid('registrationId'),
    );
    expect(await put('FLAT00001', { itemName: 'x'.repeat(101) })).toEqual(invalid('itemName'));
    expect(await put('FLAT00001', { itemName: 5 })).toEqual(invalid('itemName'));
    expect(await put('FLAT00001', { itemType: '   ' })).toEqual(invalid('itemType'));
    expect(await put('FLAT00001', { itemType: 'x'.repeat(51) })).toEqual(invalid('itemType'));
    expect(await put('FLAT00001', { itemType: 'consumer', root: 'has space' })).toEqual(invalid('root'));
    // A root only for a registration with a stream role.
    expect(await put('BATTERY01', { itemType: 'battery', root: 'meter-b', sideKey: SECRET })).toEqual(invalid('root'));
    expect(await put('FLAT00001', { itemType: 'consumer', sideKey: 'short' })).toEqual(invalid('sideKey'));
    // 7: a root with neither sideKey nor secret on file needs the operator token.
    expect(await put('FLAT00001', { itemType: 'consumer', root: 'meter-1' })).toEqual(invalid('sideKey'));
    expect((await grid.app.query('select count(*)::int as n from registrations'))[0]).toEqual({ n: 0 });
  });

  it('P2P-REG check 10: binding with proof waits for the hello, 409 without it; then the consumer gets its return channel (P2P-CH5)', async () => {
    const refused = await put('FLAT00010', {
      itemType: 'consumer',
      itemName: 'Flat 10',
      root: 'meter-10',
      sideKey: SECRET,
    });
    expect(refused).toEqual({
      status: 409,
      body: {
        success: false,
        message: "Unable to initialise mam channel for item, could not find initial 'hello' command.",
      },
    });
    // The hello arrives while the PUT waits.
    const pending = put('FLAT00010', { itemType: 'consumer', itemName: 'Flat 10', root: 'meter-10', sideKey: SECRET });
    await grid.hello('consumer', 'meter-10', SECRET);
    const accepted = await pending;
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ success: true, message: 'OK', root: 'FLAT00010' });
    const key = accepted.body.sideKey as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // An unchanged PUT needs no proof and gives the same answer.
    expect(await put('FLAT00010', { itemType: 'consumer' })).toEqual(accepted);
    const [hello] = await grid.app.published('p2p.payment-requests').waitFor(1);
    expect(hello).toMatchObject({ key: 'FLAT00010', type: 'channel.hello' });
    expect(hello.data).toMatchObject({
      command: 'hello',
      consumerId: 'FLAT00010',
      gridId: 'GRID00001',
      verificationKey: key,
    });
    expect(() => verifyPaymentRequest(Buffer.from('x'), 'AA', key)).not.toThrow();

    const view = await answer(grid.app.fetch('/registration/FLAT00010'));
    expect(view.body.registration).toMatchObject({
      id: 'FLAT00010',
      itemName: 'Flat 10',
      itemType: 'consumer',
      role: 'consumer',
      root: 'meter-10',
      hasSecret: true,
      hasReturnChannel: true,
      status: 'active',
    });
    expect(JSON.stringify(view.body)).not.toContain(SECRET);
    expect(JSON.stringify(view.body)).not.toContain(sideKeyHash(SECRET));
  });

  it('P2P-REG checks 6, 8, 9: secret proof, type change, a channel held by another', async () => {
    await grid.hello('consumer', 'meter-20', SECRET);
    expect((await put('FLAT00020', { itemType: 'consumer', root: 'meter-20', sideKey: SECRET })).status).toBe(200);
    // 6: a change without the secret, or with a wrong one.
    expect(await put('FLAT00020', { itemName: 'renamed' })).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'FLAT00020' sideKey failure." },
    });
    expect((await put('FLAT00020', { itemName: 'renamed', sideKey: OTHER })).status).toBe(403);
    expect((await put('FLAT00020', { itemName: 'renamed', sideKey: SECRET })).status).toBe(200);
    // 8
    expect(await put('FLAT00020', { itemType: 'producer', sideKey: SECRET })).toEqual({
      status: 409,
      body: { success: false, message: "Registration 'FLAT00020' cannot change its itemType." },
    });
    // 9
    await grid.hello('consumer', 'meter-20', OTHER);
    expect(await put('FLAT00021', { itemType: 'consumer', root: 'meter-20', sideKey: OTHER })).toEqual({
      status: 409,
      body: { success: false, message: "Channel 'meter-20' is already registered to 'FLAT00020'." },
    });
    // The secret changes with the old one in X-Side-Key, and a hello with the new hash.
    expect((await put('FLAT00020', { sideKey: OTHER }, { 'x-side-key': SECRET })).status).toBe(200);
    const [row] = await grid.app.query<{ side_key_hash: string }>(
      `select side_key_hash from registrations where id = 'FLAT00020'`,
    );
    expect(row.side_key_hash).toBe(sideKeyHash(OTHER));
  });

  it('P2P-REG: the operator token binds without proof; a producer gets no return channel; battery is a member', async () => {
    expect((await put('PVROOF001', { itemType: 'producer', root: 'pv-1' }, operator)).body).toEqual({
      success: true,
      message: 'OK',
    });
    expect((await put('BATTERY01', { itemType: 'battery', itemName: 'Battery' })).body).toEqual({
      success: true,
      message: 'OK',
    });
    const binding = async () =>
      (await grid.app.query<{ binding: string }>(`select binding from registrations where id = 'PVROOF001'`))[0]
        .binding;
    expect(await binding()).toBe('operator');
    // A PUT without the token that changes nothing, or only the name, keeps the operator's binding: else anyone
    // could silently drop the member's data.
    expect((await put('PVROOF001', {})).status).toBe(200);
    expect((await put('PVROOF001', { itemName: 'Roof PV' })).status).toBe(200);
    expect(await binding()).toBe('operator');
  });

  it('P2P-REG §12.3: deregistration checks, storage deleted, goodbye on the return channel, second DELETE 404', async () => {
    await grid.hello('consumer', 'FLAT00030', SECRET);
    expect((await put('FLAT00030', { itemType: 'consumer', sideKey: SECRET })).status).toBe(200);
    expect(
      (await answer(grid.app.fetch('/storage/FLAT00030/meters/m1', json('PUT', { a: 1 }, { 'x-side-key': SECRET }))))
        .status,
    ).toBe(200);
    const del = (id: string, key: string) => answer(grid.app.fetch(`/registration/${id}/${key}`, { method: 'DELETE' }));
    expect(await del('short', SECRET)).toEqual({
      status: 400,
      body: { success: false, message: "The parameter 'registrationId' has an invalid value." },
    });
    expect(await del('FLAT00030', 'bad')).toEqual({
      status: 400,
      body: { success: false, message: "The parameter 'sideKey' has an invalid value." },
    });
    expect(await del('NOBODY001', SECRET)).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'NOBODY001' does not exist." },
    });
    expect(await del('FLAT00030', OTHER)).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'FLAT00030' sideKey failure." },
    });
    expect(await del('FLAT00030', SECRET)).toEqual({ status: 200, body: { success: true, message: 'OK' } });
    expect(await del('FLAT00030', SECRET)).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'FLAT00030' does not exist." },
    });
    expect(await grid.app.query(`select * from storage_items where registration_id = 'FLAT00030'`)).toEqual([]);
    const records = await grid.app.published('p2p.payment-requests').waitFor(4);
    expect(records.filter((r) => r.key === 'FLAT00030').map((r) => r.type)).toEqual([
      'channel.hello',
      'channel.goodbye',
    ]);
    // Without the sideKey segment there is no route.
    expect(await answer(grid.app.fetch('/registration/FLAT00030', { method: 'DELETE' }))).toEqual({
      status: 404,
      body: { success: false, message: 'Cannot DELETE /registration/FLAT00030' },
    });
  });

  it('P2P-H1..H5: GET /, CORS preflight and on refused bodies, a malformed path, unknown routes as JSON 404', async () => {
    const info = await answer(grid.app.fetch('/'));
    expect(info).toEqual({ status: 200, body: { name: '@flexgrid/p2p-grid', version: '0.1.0' } });
    const preflight = await grid.app.fetch('/registration/FLAT00001', { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, PUT, POST, DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, X-Side-Key, Authorization');
    // A refused body still carries CORS: the browser shows the envelope, not a CORS failure.
    const unparsable = await grid.app.fetch('/registration/FLAT00001', json('PUT', '{', { origin: 'https://app' }));
    expect([unparsable.status, unparsable.headers.get('access-control-allow-origin')]).toEqual([400, '*']);
    // A path that is not valid percent-encoding is the client's error, not the grid's (and the path's secret
    // is not echoed).
    expect(await answer(grid.app.fetch('/registration/%E0%A4%A/consumer-secret-0009', { method: 'DELETE' }))).toEqual({
      status: 400,
      body: { success: false, message: 'The request path is not valid percent-encoding.' },
    });
    const unknown = await grid.app.fetch('/nothing/here', { method: 'POST' });
    expect(unknown.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await unknown.json()).toEqual({ success: false, message: 'Cannot POST /nothing/here' });
    expect(await answer(grid.app.fetch('/registration/NOBODY001'))).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'NOBODY001' does not exist." },
    });
  });
});

describe('a closed community: registration by the operator, storage read with the secret, CORS for its own site', () => {
  let grid: TestGrid;
  beforeAll(async () => {
    grid = await startTestGrid({
      P2P_REGISTRATION_REQUIRES_OPERATOR: 'true',
      P2P_STORAGE_READS_NEED_SIDE_KEY: 'true',
      P2P_CORS_ORIGINS: 'https://members.example,https://admin.example',
    });
  });
  afterAll(() => grid.stop());
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    answer(grid.app.fetch(path, json(method, body, headers)));
  const tokenRequired = { status: 401, body: { success: false, message: 'Operator token required.' } };
  const ok = { status: 200, body: { success: true, message: 'OK' } };

  it('new registrations, and changes to or deletions of one without a secret, need the operator token', async () => {
    expect(await call('PUT', '/registration/BATTERY01', { itemType: 'battery' })).toEqual(tokenRequired);
    expect(await call('PUT', '/registration/BATTERY01', { itemType: 'battery' }, operator)).toEqual(ok);
    // Nothing to protect it but the token: a rename or a deletion without it is refused; a PUT that changes
    // nothing still answers.
    expect(await call('PUT', '/registration/BATTERY01', { itemName: 'renamed by anyone' })).toEqual(tokenRequired);
    expect(await call('PUT', '/registration/BATTERY01', {})).toEqual(ok);
    expect(await call('DELETE', '/registration/BATTERY01/anyanyanyanyanyany')).toEqual(tokenRequired);
    expect((await call('GET', '/registration/BATTERY01')).body.registration).toMatchObject({
      itemName: null,
      status: 'active',
    });
    // A registration with a secret is its holder's to change, with the proof.
    expect(await call('PUT', '/registration/BATTERY02', { itemType: 'battery', sideKey: SECRET }, operator)).toEqual(
      ok,
    );
    expect(await call('PUT', '/registration/BATTERY02', { itemName: 'Mine' }, { 'x-side-key': SECRET })).toEqual(ok);
    expect(await call('DELETE', `/registration/BATTERY02/${SECRET}`)).toEqual(ok);
    expect(await call('DELETE', '/registration/BATTERY01/anyanyanyanyanyany', undefined, operator)).toEqual(ok);
  });

  it('P2P_STORAGE_READS_NEED_SIDE_KEY: reads prove the secret as writes do (§13.2 check 6)', async () => {
    await grid.hello('consumer', 'FLAT00040', SECRET);
    expect(
      await call('PUT', '/registration/FLAT00040', { itemType: 'consumer', sideKey: SECRET }, operator),
    ).toMatchObject({ status: 200 });
    expect(await call('PUT', '/storage/FLAT00040/meters/m1', { kWh: 2 }, { 'x-side-key': SECRET })).toEqual(ok);
    const failure = { status: 403, body: { success: false, message: "Registration 'FLAT00040' sideKey failure." } };
    expect(await call('GET', '/storage/FLAT00040/meters/m1')).toEqual(failure);
    expect(await call('GET', '/storage/FLAT00040/meters')).toEqual(failure);
    expect(await call('GET', '/storage/FLAT00040/meters/m1', undefined, { 'x-side-key': OTHER })).toEqual(failure);
    expect(await call('GET', `/storage/FLAT00040/meters/m1?sideKey=${SECRET}`)).toEqual({
      status: 200,
      body: { success: true, message: 'OK', item: { kWh: 2 } },
    });
  });

  it('P2P_CORS_ORIGINS: only the listed origins are allowed, each named back with Vary: Origin', async () => {
    const from = async (origin: string) => {
      const response = await grid.app.fetch('/registration/FLAT00040', { headers: { origin } });
      return [response.headers.get('access-control-allow-origin'), response.headers.get('vary')];
    };
    expect(await from('https://admin.example')).toEqual(['https://admin.example', 'Origin']);
    expect(await from('https://members.example')).toEqual(['https://members.example', 'Origin']);
    expect((await from('https://elsewhere.example'))[0]).toBeNull();
  });
});
