/**
 * The operator API's views and the VEN lifecycle they drive: the event list and its filters (EV-3), removing
 * a VEN (REG-8), and what GET /api/v1/vens says about lastSeen and online state (ON-1, ON-4, ON-5), on a clock
 * the test moves.
 */
import type { OadrPayload } from '@flexgrid/protocol-openadr';
import { createRegistration, ManualClock, simpleEvent, startVtn, type VtnUnderTest } from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let t: VtnUnderTest;
afterEach(() => t.stop());

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });
const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

async function createEvent(body: unknown): Promise<string> {
  const created = await t.api('/api/v1/events', { method: 'POST', body });
  expect(created.status).toBe(201);
  return created.body.eventId;
}

it('EV-3 GET /api/v1/events filters by status, venId, from and to, pages by limit and cursor, and shows every version and each VEN', async () => {
  t = await startVtn();
  for (const venID of ['ven-1', 'ven-2']) await t.post('EiRegisterParty', createRegistration(venID));
  // far: +1 h … +2 h for ven-1; active: −1 min … +1 h 59 min for ven-2; all VENs from +2 h to +3 h, then cancelled.
  const far = await createEvent({ ...simpleEvent({ venIds: ['ven-1'] }), eventId: 'ev-a-far', start: hours(1) });
  const active = await createEvent({
    ...simpleEvent({ venIds: ['ven-2'] }),
    eventId: 'ev-b-active',
    start: new Date(Date.now() - 60_000).toISOString(),
    signals: [{ name: 'SIMPLE', type: 'level', intervals: [{ duration: 'PT2H', value: 1 }] }],
  });
  const cancelled = await createEvent({ ...simpleEvent({ all: true }), eventId: 'ev-c-cancelled', start: hours(2) });
  expect((await t.api(`/api/v1/events/${far}`, { method: 'PATCH', body: { priority: 1 } })).status).toBe(200);
  expect((await t.api(`/api/v1/events/${cancelled}`, { method: 'DELETE' })).status).toBe(200);

  const ids = async (query: string) =>
    ((await t.api(`/api/v1/events${query}`)).body.items as any[]).map((e) => e.eventId);
  expect(await ids('')).toEqual([far, active, cancelled]);
  expect(await ids('?status=active')).toEqual([active]);
  expect(await ids('?status=far')).toEqual([far]);
  expect(await ids('?status=cancelled')).toEqual([cancelled]);
  expect(await ids('?venId=ven-1')).toEqual([far, cancelled]);
  expect(await ids('?venId=ven-2')).toEqual([active, cancelled]);
  expect(await ids(`?to=${encodeURIComponent(hours(0.5))}`)).toEqual([active]);
  expect(await ids(`?from=${encodeURIComponent(hours(2.5))}`)).toEqual([cancelled]);
  expect(await ids(`?from=${encodeURIComponent(hours(1.5))}&to=${encodeURIComponent(hours(1.5))}`)).toEqual([
    far,
    active,
  ]);
  const bad = await t.api('/api/v1/events?from=yesterday');
  expect(bad.status).toBe(422);
  expect(bad.body.errors).toEqual([{ pointer: '/from', message: expect.any(String) }]);

  // limit and cursor walk the whole list once.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: any = (await t.api(`/api/v1/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).body;
    expect(page.items.length).toBeLessThanOrEqual(2);
    seen.push(...page.items.map((e: any) => e.eventId));
    cursor = page.nextCursor;
  } while (cursor);
  expect(seen).toEqual([far, active, cancelled]);

  // One event: every version on request, and per VEN its delivery and opt.
  await t.post('OadrPoll', poll('ven-1'));
  await t.post('EiEvent', {
    type: 'oadrCreatedEvent',
    eiResponse: { responseCode: '200', requestID: '' },
    eventResponses: [
      {
        responseCode: '200',
        requestID: 'x',
        qualifiedEventID: { eventID: far, modificationNumber: 1 },
        optType: 'optOut',
      },
    ],
    venID: 'ven-1',
  } as OadrPayload);
  const one = (await t.api(`/api/v1/events/${far}?versions=true`)).body;
  expect(one).toMatchObject({ eventId: far, modificationNumber: 1, priority: 1, status: 'far' });
  expect(one.versions.map((v: any) => [v.modificationNumber, v.priority])).toEqual([
    [0, 0],
    [1, 1],
  ]);
  expect(one.vens).toEqual([
    {
      venId: 'ven-1',
      matched: true,
      deliveredModificationNumber: 1,
      deliveredAt: expect.any(String),
      delivery: 'acked',
      opt: 'optOut',
      optModificationNumber: 1,
      stale: false,
      responseCode: '200',
      respondedAt: expect.any(String),
      source: 'createdEvent',
    },
  ]);
  expect((await t.api(`/api/v1/events/${far}`)).body.versions).toBeUndefined();
  expect((await t.api(`/api/v1/events/${cancelled}`)).body.vens.map((v: any) => [v.venId, v.opt])).toEqual([
    ['ven-1', null],
    ['ven-2', null],
  ]);
  expect((await t.api('/api/v1/events/nope')).status).toBe(404);
});

it('REG-8 ID-2 DELETE /api/v1/vens/{venId} cancels through the poll and refuses the VEN (463) until it is provisioned again', async () => {
  t = await startVtn(); // auto-accept: even so, a removed VEN may not register itself back
  const first = await t.post('EiRegisterParty', createRegistration('ven-1'));
  const registrationID = (first.payload as any).registrationID;
  const removed = await t.api('/api/v1/vens/ven-1', { method: 'DELETE' });
  expect(removed.status).toBe(200);
  expect(removed.body).toMatchObject({ venId: 'ven-1', registration: 'cancelled', removed: true });

  const cancel = await t.post('OadrPoll', poll('ven-1'));
  expect(cancel.payload).toMatchObject({ type: 'oadrCancelPartyRegistration', registrationID, venID: 'ven-1' });
  const acked = await t.post('EiRegisterParty', {
    type: 'oadrCanceledPartyRegistration',
    eiResponse: { responseCode: '200', requestID: (cancel.payload as any).requestID },
    registrationID,
    venID: 'ven-1',
  } as OadrPayload);
  expect(acked.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '200' } });
  expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({
    kind: 'oadrCancelPartyRegistration',
    state: 'acked',
  });

  const refused = await t.post('EiRegisterParty', createRegistration('ven-1'));
  expect(refused.payload).toMatchObject({
    type: 'oadrCreatedPartyRegistration',
    eiResponse: { responseCode: '463' },
  });
  // ID-2: a refused registration identifies nobody.
  expect((refused.payload as any).registrationID).toBeUndefined();
  expect((refused.payload as any).venID).toBeUndefined();
  expect((await t.post('OadrPoll', poll('ven-1'))).payload).toMatchObject({
    type: 'oadrResponse',
    eiResponse: { responseCode: '463' },
  });
  expect((await t.api('/api/v1/vens/ven-1')).body).toMatchObject({ registration: 'cancelled', removed: true });

  // Provisioned again, it registers with the registrationID it always had (REG-4).
  expect((await t.api('/api/v1/vens/ven-1', { method: 'PUT', body: {} })).status).toBe(200);
  const back = await t.post('EiRegisterParty', createRegistration('ven-1'));
  expect(back.payload).toMatchObject({ eiResponse: { responseCode: '200' }, registrationID, venID: 'ven-1' });
  const records = await t.app.published('openadr.ven-status').waitFor(4);
  expect(records.map((r) => r.type)).toEqual([
    'openadr.ven.registered',
    'openadr.ven.online',
    'openadr.ven.deregistered',
    'openadr.ven.registered',
  ]);
  expect(records[2]?.data).toMatchObject({ venId: 'ven-1', reason: 'removed by the operator' });
  expect((await t.api('/api/v1/vens/nobody', { method: 'DELETE' })).status).toBe(404);
});

it('ON-1 lastSeen is coalesced to OADR_LAST_SEEN_RESOLUTION; ON-5 GET /api/v1/vens shows online, lastSeen and since; ON-4 a cancelled registration is not swept', async () => {
  const clock = new ManualClock();
  t = await startVtn({ OADR_POLL_FREQ: 'PT10S' }, { clock: clock.now });
  const t0 = clock.now();
  const at = (ms: number) => new Date(ms).toISOString();
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  const reg = await t.post('EiRegisterParty', createRegistration('ven-2'));
  // The replica writes lastSeen once per resolution for all VENs; a sweep writes what it holds first.
  const ven = async (venId: string) => {
    await t.vtn.sweep();
    return ((await t.api('/api/v1/vens')).body as any[]).find((v) => v.venId === venId);
  };
  expect(await ven('ven-1')).toMatchObject({
    online: true,
    lastSeen: at(t0),
    onlineSince: at(t0),
    offlineSince: null,
    pollFreqSeconds: 10,
  });
  clock.advance(999);
  await t.post('OadrPoll', poll('ven-1'));
  expect((await ven('ven-1')).lastSeen).toBe(at(t0));
  clock.advance(1);
  await t.post('OadrPoll', poll('ven-1'));
  expect((await ven('ven-1')).lastSeen).toBe(at(t0 + 1000));

  // ven-2 cancels its registration: from then on it is never swept (ON-4).
  await t.post('EiRegisterParty', {
    type: 'oadrCancelPartyRegistration',
    requestID: 'c',
    registrationID: (reg.payload as any).registrationID,
    venID: 'ven-2',
  } as OadrPayload);
  // 3 × P_v after ven-1's lastSeen is still online; strictly after it, offline.
  clock.advance(30_000);
  await t.vtn.sweep();
  expect((await ven('ven-1')).online).toBe(true);
  clock.advance(1);
  await t.vtn.sweep();
  const offline = await ven('ven-1');
  expect(offline).toMatchObject({ online: false, lastSeen: at(t0 + 1000), onlineSince: at(t0) });
  expect(Date.parse(offline.offlineSince)).toBeGreaterThanOrEqual(t0 + 31_001);
  expect(await ven('ven-2')).toMatchObject({ online: true, registration: 'cancelled' });

  // ON-3: back online with its next request.
  clock.advance(5000);
  await t.post('OadrPoll', poll('ven-1'));
  expect(await ven('ven-1')).toMatchObject({ online: true, lastSeen: at(t0 + 36_001), onlineSince: at(t0 + 36_001) });
  // Per VEN (its key keeps them in order): one record per transition.
  const records = await t.app.published('openadr.ven-status').waitFor(7);
  const of = (venId: string) => records.filter((r) => r.key === venId).map((r) => r.type);
  expect(of('ven-1')).toEqual([
    'openadr.ven.registered',
    'openadr.ven.online',
    'openadr.ven.offline',
    'openadr.ven.online',
  ]);
  expect(of('ven-2')).toEqual(['openadr.ven.registered', 'openadr.ven.online', 'openadr.ven.deregistered']);
});
