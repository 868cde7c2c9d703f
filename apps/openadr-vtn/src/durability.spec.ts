/**
 * DB-1 and DB-2: two VTN processes on one database behave as one VTN, and a restart loses nothing; §9
 * online/offline on the real sweeper.
 */
import type { OadrPayload } from '@flexgrid/protocol-openadr';
import { type RunningVtn, startOpenadrVtn } from './app';
import {
  createRegistration,
  eventually,
  postOadr,
  simpleEvent,
  startVtn,
  testConfig,
  type VtnUnderTest,
  API_TOKEN,
} from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let t: VtnUnderTest;
const others: RunningVtn[] = [];
afterEach(async () => {
  for (const other of others.splice(0)) await other.stop().catch(() => undefined);
  await t.stop();
});

/** Another VTN process on the test app's database and topic prefix. */
async function replica(environment: Record<string, string> = {}): Promise<RunningVtn> {
  const vtn = await startOpenadrVtn({
    ...testConfig(environment),
    databaseUrl: t.app.databaseUrl,
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    topicPrefix: t.app.topicPrefix,
  });
  others.push(vtn);
  return vtn;
}

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });
const createdEvent = (venID: string, eventID: string, modificationNumber: number): OadrPayload =>
  ({
    type: 'oadrCreatedEvent',
    eiResponse: { responseCode: '200', requestID: '' },
    eventResponses: [
      { responseCode: '200', requestID: 'x', qualifiedEventID: { eventID, modificationNumber }, optType: 'optIn' },
    ],
    venID,
  }) as OadrPayload;

async function createEvent(apiUrl: string, body: unknown): Promise<string> {
  const response = await fetch(`${apiUrl}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { eventId: string }).eventId;
}

it('DB-1 EV-20 a VEN served alternately by two VTN processes sees one consistent queue; its oadrCreatedEvent settles the distribute', async () => {
  t = await startVtn();
  const b = await replica();
  const a = t.vtn;
  expect((await postOadr(a.openadrUrl, 'EiRegisterParty', createRegistration('ven-1'))).payload).toMatchObject({
    venID: 'ven-1',
  });
  const first = await createEvent(a.url, simpleEvent({ venIds: ['ven-1'] }));
  const delivered = await postOadr(b.openadrUrl, 'OadrPoll', poll('ven-1'));
  expect((delivered.payload as any).oadrEvent[0].eiEvent.eventDescriptor.eventID).toBe(first);
  // The in-flight item is not delivered again by the other replica.
  expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  expect((await postOadr(b.openadrUrl, 'EiEvent', createdEvent('ven-1', first, 0))).payload).toMatchObject({
    eiResponse: { responseCode: '200' },
  });
  const second = await createEvent(b.url, simpleEvent({ venIds: ['ven-1'] }, { priority: 1 }));
  const both = await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'));
  expect((both.payload as any).oadrEvent.map((e: any) => e.eiEvent.eventDescriptor.eventID).sort()).toEqual(
    [first, second].sort(),
  );
  expect((await postOadr(b.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  const items = await t.app.query(`select kind, state from queue_items order by id`);
  expect(items).toEqual([
    { kind: 'distribute', state: 'acked' },
    { kind: 'distribute', state: 'in-flight' },
  ]);
  // One outbox relay leads; each record is published once.
  const records = await t.app.published('openadr.events').waitFor(2);
  expect(records.map((r) => r.headers.ce_id).sort()).toEqual([`${first}:0`, `${second}:0`].sort());
});

it('DB-2 a VTN restarted between an event and its opt loses nothing; the VEN continues without re-registering', async () => {
  t = await startVtn();
  const before = await replica();
  await postOadr(before.openadrUrl, 'EiRegisterParty', createRegistration('ven-1'));
  const eventId = await createEvent(before.url, simpleEvent({ venIds: ['ven-1'] }));
  expect((await postOadr(before.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');
  await before.stop();
  others.splice(0);
  const after = await replica();
  expect((await postOadr(after.openadrUrl, 'EiEvent', createdEvent('ven-1', eventId, 0))).payload).toMatchObject({
    eiResponse: { responseCode: '200' },
  });
  expect((await postOadr(after.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  const [opt] = await t.app.published('openadr.opt').waitFor(1);
  expect(opt?.data).toMatchObject({ venId: 'ven-1', eventId, optType: 'optIn' });
  expect((await t.app.published('openadr.events').waitFor(1))[0]?.type).toBe('openadr.event.created');
});

it('ON-2 a silent VEN goes offline once after 3 × P_v; ON-3 its next poll brings it online once', async () => {
  t = await startVtn({ OADR_POLL_FREQ: 'PT1S' });
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  const records = await t.app.published('openadr.ven-status').waitFor(3, 15_000);
  expect(records.map((r) => r.type)).toEqual(['openadr.ven.registered', 'openadr.ven.online', 'openadr.ven.offline']);
  expect(records[2]?.data).toMatchObject({ venId: 'ven-1', pollFreqSeconds: 1 });
  const offline = records[2]?.data as { lastSeen: string; at: string };
  expect(Date.parse(offline.at) - Date.parse(offline.lastSeen)).toBeGreaterThan(3000);
  expect((await t.api('/api/v1/vens')).body[0]).toMatchObject({ online: false });
  await t.post('OadrPoll', poll('ven-1'));
  const after = await t.app.published('openadr.ven-status').waitFor(4);
  expect(after[3]?.type).toBe('openadr.ven.online');
  expect((await t.api('/api/v1/vens')).body[0]).toMatchObject({ online: true });
});

it('DB-1 DB-3 a replica answering polls from memory learns at once what another replica changed, and reads PostgreSQL while its notifications are down', async () => {
  t = await startVtn();
  const a = t.vtn;
  const b = await replica();
  await postOadr(a.openadrUrl, 'EiRegisterParty', createRegistration('ven-1'));
  await postOadr(a.openadrUrl, 'EiRegisterParty', createRegistration('ven-2'));
  // A knows ven-1 has nothing queued, and keeps answering that without asking PostgreSQL.
  for (let i = 0; i < 3; i++)
    expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  const eventId = await createEvent(b.url, simpleEvent({ venIds: ['ven-1'] }));
  const delivered = await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'));
  expect((delivered.payload as any).oadrEvent[0].eiEvent.eventDescriptor.eventID).toBe(eventId);
  expect((await postOadr(b.openadrUrl, 'EiEvent', createdEvent('ven-1', eventId, 0))).payload).toMatchObject({
    eiResponse: { responseCode: '200' },
  });
  expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  // A registration cancelled through B is refused by A at once (REG-10).
  const cancelled = await fetch(`${b.url}/api/v1/vens/ven-1/registration`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${API_TOKEN}` },
  });
  expect(cancelled.status).toBe(200);
  expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-1'))).payload.type).toBe('oadrCancelPartyRegistration');

  // A's LISTEN connection dies: A reads PostgreSQL for every poll until it listens again.
  expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-2'))).payload.type).toBe('oadrResponse');
  const listeners = () =>
    t.app.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and query = 'listen oadr_ven'`,
    );
  expect(await listeners()).toHaveLength(2);
  await t.app.query(
    `select pg_terminate_backend(pid, 10000) from pg_stat_activity where datname = current_database() and query = 'listen oadr_ven'`,
  );
  const second = await createEvent(b.url, simpleEvent({ venIds: ['ven-2'] }));
  const afterLoss = await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-2'));
  expect((afterLoss.payload as any).oadrEvent[0].eiEvent.eventDescriptor.eventID).toBe(second);
  await eventually(async () => ((await listeners()).length === 2 ? true : undefined));
  await postOadr(a.openadrUrl, 'EiEvent', createdEvent('ven-2', second, 0));
  expect((await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-2'))).payload.type).toBe('oadrResponse');
  const third = await createEvent(b.url, simpleEvent({ venIds: ['ven-2'] }));
  const again = await postOadr(a.openadrUrl, 'OadrPoll', poll('ven-2'));
  expect((again.payload as any).oadrEvent.map((e: any) => e.eiEvent.eventDescriptor.eventID)).toContain(third);
});
