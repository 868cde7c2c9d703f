/**
 * The poll queue's timing rules (Q-2, Q-4: redelivery and expiry), the per-VEN rate limit (TR-4 step 3),
 * openleadr's signed payloads (SEC-5) and re-targeting after provisioning changes (EV-4).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OadrPayload } from '@flexgrid/protocol-openadr';
import { workspaceRoot } from '@flexgrid/testing';
import {
  API_TOKEN,
  createRegistration,
  eventually,
  ManualClock,
  registerReports,
  simpleEvent,
  startVtn,
  usageMetadata,
  type VtnUnderTest,
} from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let t: VtnUnderTest;
afterEach(() => t.stop());

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });

it('Q-2 Q-4 an unanswered distribute is redelivered after OADR_REDELIVERY_AFTER and expires after OADR_MAX_DELIVERIES', async () => {
  const clock = new ManualClock();
  t = await startVtn({ OADR_REDELIVERY_AFTER: 'PT30S', OADR_MAX_DELIVERIES: '2' }, { clock: clock.now });
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  clock.advance(29_999);
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  clock.advance(1);
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');
  clock.advance(30_000);
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({
    kind: 'distribute',
    state: 'expired',
    attempts: 2,
  });
  expect(await (await t.app.fetch('/metrics')).text()).toMatch(/oadr_queue_expired_total\{[^}]*\} 1/);
});

it('RID-3 a stored queue payload keeps its requestID on redelivery; a distribute gets a fresh one at each rendering', async () => {
  const clock = new ManualClock();
  t = await startVtn({}, { clock: clock.now });
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  await t.post('EiReport', registerReports('ven-1', [usageMetadata()]));
  const asked = await t.api('/api/v1/vens/ven-1/report-requests', {
    method: 'POST',
    body: { reportSpecifierId: 'spec-usage', granularity: 'PT5S' },
  });
  expect(asked.status).toBe(202);
  await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
  const requestIds = async () => {
    const answers = [
      (await t.post('OadrPoll', poll('ven-1'))).payload,
      (await t.post('OadrPoll', poll('ven-1'))).payload,
    ];
    return Object.fromEntries(answers.map((a: any) => [a.type, a.requestID]));
  };
  const first = await requestIds();
  clock.advance(30_000);
  const second = await requestIds();
  expect(Object.keys(first).sort()).toEqual(['oadrCreateReport', 'oadrDistributeEvent']);
  expect(second.oadrCreateReport).toBe(first.oadrCreateReport);
  expect(second.oadrDistributeEvent).not.toBe(first.oadrDistributeEvent);
  for (const id of [first.oadrCreateReport, first.oadrDistributeEvent, second.oadrDistributeEvent])
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

it('Q-2 a distribute of `never` events expects no reply: it is acked once written', async () => {
  t = await startVtn();
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  await t.api('/api/v1/events', {
    method: 'POST',
    body: simpleEvent({ venIds: ['ven-1'] }, { responseRequired: 'never' }),
  });
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');
  const acked = await eventually(async () => {
    const [item] = (await t.api('/api/v1/vens/ven-1/queue')).body;
    return item.state === 'acked' ? item : undefined;
  });
  expect(acked).toMatchObject({ kind: 'distribute', attempts: 1 });
});

it('TR-4 step 3 the per-VEN rate limit answers 429 with Retry-After', async () => {
  const clock = new ManualClock();
  t = await startVtn({ OADR_RATE_LIMIT_PER_VEN: '2' }, { clock: clock.now });
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await t.post('OadrPoll', poll('ven-1')));
  // The registration took one token of the two.
  expect(answers.map((a) => a.status)).toEqual([200, 429, 429]);
  expect(answers[1]?.headers.get('retry-after')).toBe('1');
  clock.advance(1000);
  expect((await t.post('OadrPoll', poll('ven-1'))).status).toBe(200);
});

it('SEC-5 an openleadr message with a ds:Signature is accepted, processed as unsigned and counted', async () => {
  t = await startVtn();
  await t.post('EiRegisterParty', createRegistration('123'));
  const signed = readFileSync(
    join(workspaceRoot(), 'libs/protocols/openadr/src/payloads/openleadr-fixtures/signed-oadrPoll.xml'),
    'utf8',
  );
  const answer = await t.post('OadrPoll', signed);
  expect(answer.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '200' }, venID: '123' });
  expect(await (await t.app.fetch('/metrics')).text()).toMatch(/oadr_signed_payloads_total\{[^}]*\} 1/);
});

it('EV-4 a provisioning change that makes an event match queues it for the VEN', async () => {
  t = await startVtn();
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ groupIds: ['north'] }) });
  expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  expect((await t.api('/api/v1/vens/ven-1', { method: 'PUT', body: { groups: ['north'] } })).status).toBe(200);
  const delivered = await t.post('OadrPoll', poll('ven-1'));
  expect((delivered.payload as any).oadrEvent[0].eiEvent.eiTarget).toEqual({ groupID: ['north'] });
});

it('API-2 the live stream (websocket) sends snapshots of VENs and events after the bearer token, and closes without one', async () => {
  t = await startVtn();
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
  const socket = await t.app.websocket('/api/v1/stream/ws');
  const message = new Promise<any>((resolve) => socket.once('message', (data) => resolve(JSON.parse(String(data)))));
  socket.send(`Bearer ${API_TOKEN}`);
  const snapshot = await message;
  expect(snapshot.type).toBe('snapshot');
  expect(snapshot.data.vens[0]).toMatchObject({ venId: 'ven-1', online: true, registration: 'active' });
  expect(snapshot.data.events[0].vens[0]).toMatchObject({ venId: 'ven-1', matched: true });
  socket.close();
  const refused = await t.app.websocket('/api/v1/stream/ws');
  const closed = new Promise<number>((resolve) => refused.once('close', (code) => resolve(code)));
  refused.send('Bearer wrong');
  expect(await closed).toBe(1008);
});

it('API-2 the live stream (server-sent events) takes the token as access_token and sends snapshots', async () => {
  t = await startVtn();
  await t.post('EiRegisterParty', createRegistration('ven-1'));
  expect((await t.app.fetch('/api/v1/stream')).status).toBe(401);
  const controller = new AbortController();
  const response = await t.app.fetch(`/api/v1/stream?access_token=${API_TOKEN}`, { signal: controller.signal });
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  expect(text).toMatch(/^event: snapshot\ndata: /m);
  const data = JSON.parse(/data: (.*)/.exec(text)?.[1] ?? '{}');
  expect(data.vens[0]).toMatchObject({ venId: 'ven-1', online: true });
});
