import { Client } from 'pg';
import { answer, json, OPERATOR_TOKEN, startTestGrid, type TestGrid } from './test-grid.test-util';

const SECRET = 'storage-secret-00001';
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
const invalid = (name: string) => ({
  status: 400,
  body: { success: false, message: `The parameter '${name}' has an invalid value.` },
});

describe('storage API (§13)', () => {
  let grid: TestGrid;
  const key = { 'x-side-key': SECRET };
  beforeAll(async () => {
    grid = await startTestGrid({ P2P_STORAGE_MAX_ITEM_BYTES: '4096' });
    await grid.hello('consumer', 'FLAT00001', SECRET);
    expect(
      (await answer(grid.app.fetch('/registration/FLAT00001', json('PUT', { itemType: 'consumer', sideKey: SECRET }))))
        .status,
    ).toBe(200);
    // A member without a secret (bound by the operator, no stream role).
    expect(
      (await answer(grid.app.fetch('/registration/BATTERY01', json('PUT', { itemType: 'battery' }, operator)))).status,
    ).toBe(200);
  });
  afterAll(() => grid.stop());
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = key) =>
    answer(grid.app.fetch(path, json(method, body, headers)));

  it('P2P-STO §13.1: PUT, GET, missing item, DELETE of an item, a context, everything; under both prefixes', async () => {
    expect(await call('PUT', '/storage/FLAT00001/meters/m1', { kWh: 1.5 })).toEqual({
      status: 200,
      body: { success: true, message: 'OK' },
    });
    expect(await call('GET', '/storage/FLAT00001/meters/m1')).toEqual({
      status: 200,
      body: { success: true, message: 'OK', item: { kWh: 1.5 } },
    });
    expect(await call('GET', '/storage/item/FLAT00001/meters/m1')).toEqual({
      status: 200,
      body: { success: true, message: 'OK', item: { kWh: 1.5 } },
    });
    expect(await call('GET', '/storage/FLAT00001/meters/none')).toEqual({
      status: 200,
      body: { success: true, message: 'OK' },
    });
    // An empty body is {}; an id with '/' is sent as %2F.
    const empty = await grid.app.fetch('/storage/item/FLAT00001/meters/2026%2F03', { method: 'PUT', headers: key });
    expect(empty.status).toBe(200);
    expect((await call('GET', '/storage/FLAT00001/meters/2026%2F03')).body.item).toEqual({});
    await call('PUT', '/storage/FLAT00001/meters2/x', [1, 2]);
    expect((await call('GET', '/storage/FLAT00001/meters')).body.ids).toEqual(['2026/03', 'm1']);
    expect(await call('DELETE', '/storage/FLAT00001/meters/m1')).toEqual({
      status: 200,
      body: { success: true, message: 'OK' },
    });
    expect((await call('GET', '/storage/FLAT00001/meters')).body.ids).toEqual(['2026/03']);
    expect((await call('DELETE', '/storage/item/FLAT00001/meters')).status).toBe(200);
    expect((await call('GET', '/storage/FLAT00001/meters')).body.ids).toEqual([]);
    expect((await call('GET', '/storage/FLAT00001/meters2')).body.ids).toEqual(['x']);
    expect((await call('DELETE', '/storage/FLAT00001')).status).toBe(200);
    expect((await call('GET', '/storage/FLAT00001/meters2')).body.totalItems).toBe(0);
    expect((await call('DELETE', '/storage/FLAT00001/nothing/here')).status).toBe(200);
    // No list of a registration's contexts, as in the original, under either prefix.
    expect(await call('GET', '/storage/FLAT00001')).toEqual({
      status: 404,
      body: { success: false, message: 'Cannot GET /storage/FLAT00001' },
    });
    expect(await call('GET', '/storage/item/FLAT00001')).toEqual({
      status: 404,
      body: { success: false, message: 'Cannot GET /storage/item/FLAT00001' },
    });
  });

  it('P2P-STO §13.1: an item is any JSON value, a bare number, string, boolean or null included', async () => {
    for (const [id, text, value] of [
      ['number', '42', 42],
      ['string', '"text"', 'text'],
      ['boolean', 'true', true],
      ['null', 'null', null],
    ] as const) {
      expect(await call('PUT', `/storage/FLAT00001/values/${id}`, text)).toEqual({
        status: 200,
        body: { success: true, message: 'OK' },
      });
      expect(await call('GET', `/storage/FLAT00001/values/${id}`)).toEqual({
        status: 200,
        body: { success: true, message: 'OK', item: value },
      });
    }
    expect((await call('GET', '/storage/FLAT00001/values')).body.items).toEqual([true, null, 42, 'text']);
  });

  it('P2P-STO §13.2: checks in order with their exact status and message', async () => {
    const bad = await grid.app.fetch('/storage/FLAT00001/c/i', json('PUT', '{"a":', key));
    expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([
      400,
      'The request body is not valid JSON.',
    ]);
    const text = await grid.app.fetch('/storage/FLAT00001/c/i', {
      method: 'PUT',
      headers: { 'content-type': 'text/plain', ...key },
      body: 'hello',
    });
    expect([text.status, ((await text.json()) as { message: string }).message]).toEqual([
      400,
      'The request body must be JSON.',
    ]);
    expect(await call('PUT', '/storage/FLAT00001/c/i', { pad: 'x'.repeat(5000) })).toEqual({
      status: 413,
      body: { success: false, message: 'The request body is too large.' },
    });
    expect(await call('PUT', '/storage/short/c/i', {})).toEqual(invalid('registrationId'));
    expect(await call('PUT', `/storage/FLAT00001/${'c'.repeat(129)}/i`, {})).toEqual(invalid('context'));
    expect(await call('PUT', '/storage/FLAT00001/c%2Fd/i', {})).toEqual(invalid('context'));
    expect(await call('PUT', '/storage/FLAT00001/c%01/i', {})).toEqual(invalid('context'));
    expect(await call('PUT', `/storage/FLAT00001/c/${'i'.repeat(513)}`, {})).toEqual(invalid('id'));
    expect(await call('PUT', '/storage/FLAT00001/c/i%7F', {})).toEqual(invalid('id'));
    expect(await call('GET', '/storage/FLAT00001/c?page=abc')).toEqual(invalid('page'));
    expect(await call('GET', '/storage/FLAT00001/c?pageSize=-1')).toEqual(invalid('pageSize'));
    expect(await call('GET', '/storage/FLAT00001/c?page=1&page=2')).toEqual(invalid('page'));
    expect(await call('PUT', '/storage/NOBODY001/c/i', {})).toEqual({
      status: 404,
      body: { success: false, message: "Registration 'NOBODY001' does not exist." },
    });
    const failure = { status: 403, body: { success: false, message: "Registration 'FLAT00001' sideKey failure." } };
    expect(await call('PUT', '/storage/FLAT00001/c/i', {}, {})).toEqual(failure);
    expect(await call('PUT', '/storage/FLAT00001/c/i', {}, { 'x-side-key': 'wrong-secret-00000001' })).toEqual(failure);
    expect(await call('DELETE', '/storage/FLAT00001/c', undefined, {})).toEqual(failure);
    // The query's sideKey proves it too; reads need none by default.
    expect((await call('PUT', `/storage/FLAT00001/c/i?sideKey=${SECRET}`, { ok: true }, {})).status).toBe(200);
    expect((await call('GET', '/storage/FLAT00001/c/i', undefined, {})).body.item).toEqual({ ok: true });
    // community: a registration without a secret may not write.
    expect(await call('PUT', '/storage/BATTERY01/c/i', {}, {})).toEqual({
      status: 403,
      body: { success: false, message: "Registration 'BATTERY01' sideKey failure." },
    });
  });

  it('P2P-STO-PAGE §13.3/§13.4: byte order, defaults, min 5, cap 100, page-size alias, past the end, ceil', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `b${i}`);
    for (const id of ids) await call('PUT', `/storage/FLAT00001/list/${id}`, { id });
    const sorted = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const first = (await call('GET', '/storage/FLAT00001/list')).body;
    expect(first).toEqual({
      success: true,
      message: 'OK',
      ids: sorted.slice(0, 10),
      items: sorted.slice(0, 10).map((id) => ({ id })),
      totalItems: 23,
      totalPages: 3,
      pageSize: 10,
    });
    const all = (await call('GET', '/storage/FLAT00001/list?pageSize=100')).body.ids as string[];
    expect(all.indexOf('b10')).toBeLessThan(all.indexOf('b9'));
    expect((await call('GET', '/storage/FLAT00001/list?page=2')).body.ids).toEqual(sorted.slice(20));
    expect((await call('GET', '/storage/FLAT00001/list?pageSize=2')).body).toMatchObject({
      pageSize: 5,
      totalPages: 5,
    });
    expect((await call('GET', '/storage/FLAT00001/list?page-size=2')).body).toMatchObject({ pageSize: 5 });
    expect((await call('GET', '/storage/FLAT00001/list?pageSize=20&page-size=5')).body).toMatchObject({
      pageSize: 20,
      totalPages: 2,
    });
    expect((await call('GET', '/storage/FLAT00001/list?pageSize=500')).body).toMatchObject({
      pageSize: 100,
      totalPages: 1,
    });
    expect((await call('GET', '/storage/FLAT00001/list?page=9')).body).toMatchObject({
      ids: [],
      items: [],
      totalItems: 23,
    });
    expect((await call('GET', '/storage/item/FLAT00001/empty?page=&pageSize=')).body).toEqual({
      success: true,
      message: 'OK',
      ids: [],
      items: [],
      totalItems: 0,
      totalPages: 0,
      pageSize: 10,
    });
  });

  it('P2P-STO: deregistration deletes the storage; the registration is then unknown', async () => {
    await grid.hello('consumer', 'FLAT00002', SECRET);
    await call('PUT', '/registration/FLAT00002', { itemType: 'consumer', sideKey: SECRET }, {});
    await call('PUT', '/storage/FLAT00002/a/b', { v: 1 });
    expect((await call('DELETE', `/registration/FLAT00002/${SECRET}`, undefined, {})).status).toBe(200);
    expect(await grid.app.query(`select * from storage_items where registration_id = 'FLAT00002'`)).toEqual([]);
    expect((await call('GET', '/storage/FLAT00002/a/b')).status).toBe(404);
  });

  it('P2P-STO checks 5-6 and the write are atomic: a write racing a deregistration never lands', async () => {
    await grid.hello('consumer', 'FLAT00003', SECRET);
    await call('PUT', '/registration/FLAT00003', { itemType: 'consumer', sideKey: SECRET }, {});
    // A deregistration (§12.3) in progress: the row changed and the storage deleted, not yet committed.
    const deregistration = new Client({ connectionString: grid.app.databaseUrl });
    await deregistration.connect();
    try {
      await deregistration.query('begin');
      await deregistration.query(
        `update registrations set status = 'deregistered', binding = 'none', side_key_hash = null where id = 'FLAT00003'`,
      );
      await deregistration.query(`delete from storage_items where registration_id = 'FLAT00003'`);
      let settled = false;
      const write = call('PUT', '/storage/FLAT00003/a/b', { v: 1 }).finally(() => (settled = true));
      // The write must wait for the deregistration (or have raced past it, which the expectations below catch).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const waiting = await grid.app.query(
          `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if (waiting.length > 0 || settled || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await deregistration.query('commit');
      expect(await write).toEqual({
        status: 404,
        body: { success: false, message: "Registration 'FLAT00003' does not exist." },
      });
    } finally {
      await deregistration.end();
    }
    expect(await grid.app.query(`select * from storage_items where registration_id = 'FLAT00003'`)).toEqual([]);
  });
});

describe('storage API in the poc profile (P2P_STORAGE_ALLOW_UNSECURED)', () => {
  it('P2P-STO check 6: a registration without a secret may write when unsecured storage is allowed', async () => {
    const grid = await startTestGrid({ P2P_PROFILE: 'poc', P2P_STORAGE_READS_NEED_SIDE_KEY: 'false' });
    try {
      await answer(grid.app.fetch('/registration/BATTERY01', json('PUT', { itemType: 'battery' })));
      expect(await answer(grid.app.fetch('/storage/BATTERY01/c/i', json('PUT', { v: 1 })))).toEqual({
        status: 200,
        body: { success: true, message: 'OK' },
      });
    } finally {
      await grid.stop();
    }
  });
});
