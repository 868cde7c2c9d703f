/**
 * The VTN over HTTP in dev mode (auto-accept) on a real PostgreSQL and Kafka: transport (TR-*), registration
 * (REG-*), events (EV-*), the queue (Q-*), EiOpt (OPT-*), reports (RP-*), online/offline (ON-*) and the
 * operator API (API-1). Every 200 answer is checked against the XSD by the helper.
 */
import { writeOadrPayload, type OadrPayload } from '@flexgrid/protocol-openadr';
import {
  createRegistration,
  registerReports,
  simpleEvent,
  startVtn,
  usageMetadata,
  usageUpdate,
  type VtnUnderTest,
} from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let t: VtnUnderTest;
beforeEach(async () => {
  t = await startVtn();
});
afterEach(() => t.stop());

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });

async function register(venID: string) {
  await t.post('EiRegisterParty', { type: 'oadrQueryRegistration', requestID: 'q1' });
  const created = await t.post('EiRegisterParty', createRegistration(venID));
  expect(created.payload).toMatchObject({
    type: 'oadrCreatedPartyRegistration',
    venID,
    eiResponse: { responseCode: '200' },
  });
  return created.payload as any;
}

async function createdEvent(
  venID: string,
  eventID: string,
  modificationNumber: number,
  optType = 'optIn',
  requestID = 'r1',
) {
  return t.post('EiEvent', {
    type: 'oadrCreatedEvent',
    eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
    eventResponses: [
      {
        responseCode: '200',
        responseDescription: 'OK',
        requestID,
        qualifiedEventID: { eventID, modificationNumber },
        optType,
      },
    ],
    venID,
  } as OadrPayload);
}

describe('TR-4 processing order and refusals', () => {
  const pollXml = writeOadrPayload(poll('ven-1'));

  it('TR-1 404 for an unknown service, 405 with Allow for other methods', async () => {
    expect((await t.post('EiNothing' as any, pollXml)).status).toBe(404);
    const get = await fetch(`${t.vtn.openadrUrl}/OadrPoll`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('TR-4 415 for JSON, a missing type and a bad charset; text/xml and charset=utf-8 accepted', async () => {
    expect((await t.post('OadrPoll', pollXml, 'application/json')).status).toBe(415);
    expect((await t.post('OadrPoll', pollXml, '')).status).toBe(415);
    expect((await t.post('OadrPoll', pollXml, 'application/xml; charset=utf-16')).status).toBe(415);
    await register('ven-1');
    expect((await t.post('OadrPoll', pollXml, 'text/xml')).status).toBe(200);
    expect((await t.post('OadrPoll', pollXml, 'application/xml; charset=utf-8')).status).toBe(200);
  });

  it('TR-4 413 for an oversized body, 400 for empty, not XML, DOCTYPE and XSD-invalid bodies; nothing changes and the VTN stays up', async () => {
    const big = `<x>${'a'.repeat(1_100_000)}</x>`;
    expect((await t.post('OadrPoll', big)).status).toBe(413);
    expect((await t.post('OadrPoll', '')).status).toBe(400);
    const notXml = await t.post('OadrPoll', 'hello');
    expect(notXml.status).toBe(400);
    expect(JSON.parse(notXml.text)).toMatchObject({ status: 400, title: 'Not well-formed XML' });
    const doctype = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${pollXml.slice(38)}`;
    expect((await t.post('OadrPoll', doctype)).status).toBe(400);
    const invalid = await t.post('OadrPoll', pollXml.replace('<ei:venID>', '<ei:bogus/><ei:venID>'));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).detail).toMatch(/^1:\d+: /);
    expect(await t.app.query('select count(*)::int as n from vens')).toEqual([{ n: 0 }]);
    await register('ven-1');
    expect((await t.post('OadrPoll', pollXml)).payload.type).toBe('oadrResponse');
  });

  it('TR-2 a payload at the wrong service, or a VTN-only payload, gets 200 and 459', async () => {
    const wrong = await t.post('EiEvent', poll('ven-1'));
    expect(wrong.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '459' } });
    const vtnOnly = await t.post('EiEvent', {
      type: 'oadrDistributeEvent',
      eiResponse: { responseCode: '200', requestID: 'x' },
      requestID: 'd1',
      vtnID: 'Other',
    } as OadrPayload);
    expect(vtnOnly.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '459' } });
  });
});

describe('registration', () => {
  it('REG-1 the query echoes the requestID and carries vtnID, profile and poll frequency', async () => {
    const answer = await t.post('EiRegisterParty', { type: 'oadrQueryRegistration', requestID: 'abc' });
    expect(answer.payload).toMatchObject({
      type: 'oadrCreatedPartyRegistration',
      eiResponse: { responseCode: '200', requestID: 'abc' },
      vtnID: 'FlexgridVTN',
      oadrProfiles: [{ oadrProfileName: '2.0b', oadrTransports: ['simpleHttp'] }],
      oadrRequestedOadrPollFreq: 10,
    });
    expect(answer.payload).not.toHaveProperty('venID');
  });

  it('REG-5 registers, publishes registered and online once; REG-6 re-registration keeps the registrationID; REG-4 a wrong one is 452', async () => {
    const first = await register('ven-1');
    expect(first.registrationID).toMatch(/^[0-9a-f-]{36}$/);
    const again = await register('ven-1');
    expect(again.registrationID).toBe(first.registrationID);
    const wrong = await t.post('EiRegisterParty', createRegistration('ven-1', { registrationID: 'not-mine' }));
    expect(wrong.payload).toMatchObject({ eiResponse: { responseCode: '452' } });
    expect(wrong.payload).not.toHaveProperty('registrationID');
    const records = await t.app.published('openadr.ven-status').waitFor(2);
    expect(records.map((r) => r.type)).toEqual(['openadr.ven.registered', 'openadr.ven.online']);
    expect(records[0]?.data).toMatchObject({
      venId: 'ven-1',
      registrationId: first.registrationID,
      pollFreqSeconds: 10,
    });
  });

  it('REG-2 profile, transport or push model we do not offer: 451', async () => {
    const push = await t.post('EiRegisterParty', createRegistration('ven-1', { oadrHttpPullModel: false }));
    expect(push.payload).toMatchObject({ eiResponse: { responseCode: '451' } });
    const xmpp = await t.post('EiRegisterParty', createRegistration('ven-1', { oadrTransportName: 'xmpp' }));
    expect(xmpp.payload).toMatchObject({ eiResponse: { responseCode: '451' } });
    expect(await t.app.query('select count(*)::int as n from vens')).toEqual([{ n: 0 }]);
  });

  it('REG-7 the VEN cancels; REG-10 it is then refused with 463 and its poll gets 463', async () => {
    const { registrationID } = await register('ven-1');
    const bad = await t.post('EiRegisterParty', {
      type: 'oadrCancelPartyRegistration',
      requestID: 'c0',
      registrationID: 'other',
      venID: 'ven-1',
    });
    expect(bad.payload).toMatchObject({ type: 'oadrCanceledPartyRegistration', eiResponse: { responseCode: '452' } });
    const cancel = await t.post('EiRegisterParty', {
      type: 'oadrCancelPartyRegistration',
      requestID: 'c1',
      registrationID,
      venID: 'ven-1',
    });
    expect(cancel.payload).toMatchObject({
      eiResponse: { responseCode: '200', requestID: 'c1' },
      registrationID,
      venID: 'ven-1',
    });
    expect((await t.post('OadrPoll', poll('ven-1'))).payload).toMatchObject({
      type: 'oadrResponse',
      eiResponse: { responseCode: '463' },
    });
    const report = await t.post('EiReport', { type: 'oadrRegisterReport', requestID: 'rr', venID: 'ven-1' });
    expect(report.payload).toMatchObject({ type: 'oadrRegisteredReport', eiResponse: { responseCode: '463' } });
    const records = await t.app.published('openadr.ven-status').waitFor(3);
    expect(records.map((r) => r.type)).toContain('openadr.ven.deregistered');
  });

  it('REG-10 an unknown VEN polling under auto-accept is asked to register', async () => {
    expect((await t.post('OadrPoll', poll('stranger'))).payload).toEqual({
      type: 'oadrRequestReregistration',
      venID: 'stranger',
    });
  });

  it('REG-8 the operator cancels: the poll delivers oadrCancelPartyRegistration, acked by oadrCanceledPartyRegistration', async () => {
    const { registrationID } = await register('ven-1');
    expect((await t.api('/api/v1/vens/ven-1/registration', { method: 'DELETE' })).status).toBe(200);
    const delivered = await t.post('OadrPoll', poll('ven-1'));
    expect(delivered.payload).toMatchObject({ type: 'oadrCancelPartyRegistration', registrationID, venID: 'ven-1' });
    const ack = await t.post('EiRegisterParty', {
      type: 'oadrCanceledPartyRegistration',
      eiResponse: { responseCode: '200', requestID: (delivered.payload as any).requestID },
      registrationID,
      venID: 'ven-1',
    });
    expect(ack.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '200' } });
    expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({
      kind: 'oadrCancelPartyRegistration',
      state: 'acked',
    });
  });

  it('REG-9 re-registration through the poll, acked by the next registration', async () => {
    await register('ven-1');
    expect((await t.api('/api/v1/vens/ven-1/reregistration', { method: 'POST' })).status).toBe(202);
    expect((await t.post('OadrPoll', poll('ven-1'))).payload).toEqual({
      type: 'oadrRequestReregistration',
      venID: 'ven-1',
    });
    await t.post('EiRegisterParty', {
      type: 'oadrResponse',
      eiResponse: { responseCode: '200', requestID: '' },
      venID: 'ven-1',
    });
    expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({
      kind: 'oadrRequestReregistration',
      state: 'acked',
    });
  });
});

describe('events and the poll queue', () => {
  it('EV-2 EV-10 Q-2 an event reaches the VEN on its next poll; EV-18 EV-19 its optIn is stored and published once', async () => {
    await register('ven-1');
    const created = await t.api('/api/v1/events', {
      method: 'POST',
      body: simpleEvent({ venIds: ['ven-1'] }, { rampUp: 'PT10M' }),
    });
    expect(created.status).toBe(201);
    const eventId = created.body.eventId;
    expect(created.body).toMatchObject({ modificationNumber: 0, status: 'far', vens: [{ venId: 'ven-1', opt: null }] });
    const delivered = await t.post('OadrPoll', poll('ven-1'));
    expect(delivered.payload.type).toBe('oadrDistributeEvent');
    const event = (delivered.payload as any).oadrEvent[0].eiEvent;
    expect(event.eventDescriptor).toMatchObject({ eventID: eventId, modificationNumber: 0, eventStatus: 'far' });
    expect(event.eiActivePeriod).toMatchObject({ duration: 3600, rampUp: 600 });
    expect(event.eiTarget).toEqual({ venID: ['ven-1'] });
    // an immediate re-poll does not get the in-flight item again.
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
    expect((await createdEvent('ven-1', eventId, 0)).payload).toMatchObject({
      type: 'oadrResponse',
      eiResponse: { responseCode: '200' },
    });
    await createdEvent('ven-1', eventId, 0); // openleadr repeats its opts: not published again
    const opts = await t.app.published('openadr.opt').waitFor(1);
    expect(opts[0]).toMatchObject({
      key: eventId,
      type: 'openadr.opt.event-response',
      data: { venId: 'ven-1', optType: 'optIn', stale: false },
    });
    const view = await t.api(`/api/v1/events/${eventId}`);
    expect(view.body.vens[0]).toMatchObject({
      venId: 'ven-1',
      deliveredModificationNumber: 0,
      opt: 'optIn',
      source: 'createdEvent',
    });
    const records = await t.app.published('openadr.events').waitFor(1);
    expect(records[0]).toMatchObject({ type: 'openadr.event.created', headers: { ce_id: `${eventId}:0` } });
    expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({ kind: 'distribute', state: 'acked' });
    // give the relay a moment: the second identical answer must not have added a record
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await t.app.published('openadr.opt').waitFor(1)).toHaveLength(1);
  });

  it('EV-17 an unknown eventID or a modificationNumber above the current one is 452 and stores nothing; EV-18 a stale one is accepted and flagged', async () => {
    await register('ven-1');
    const { body } = await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ all: true }) });
    expect((await createdEvent('ven-1', 'no-such-event', 0)).payload).toMatchObject({
      eiResponse: { responseCode: '452' },
    });
    expect((await createdEvent('ven-1', body.eventId, 1)).payload).toMatchObject({
      eiResponse: { responseCode: '452' },
    });
    expect(await t.app.query('select count(*)::int as n from opt_responses')).toEqual([{ n: 0 }]);
    await t.api(`/api/v1/events/${body.eventId}`, { method: 'PATCH', body: { priority: 1 } });
    expect((await createdEvent('ven-1', body.eventId, 0, 'optOut')).payload).toMatchObject({
      eiResponse: { responseCode: '200' },
    });
    const [opt] = await t.app.published('openadr.opt').waitFor(1);
    expect(opt?.data).toMatchObject({
      modificationNumber: 0,
      currentModificationNumber: 1,
      stale: true,
      optType: 'optOut',
    });
  });

  it('EV-16 oadrRequestEvent answers the full state, active first, honours replyLimit and settles the queued distribute', async () => {
    await register('ven-1');
    const later = await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
    const now = await t.api('/api/v1/events', {
      method: 'POST',
      body: { ...simpleEvent({ venIds: ['ven-1'] }), start: new Date(Date.now() - 60_000).toISOString() },
    });
    const answer = await t.post('EiEvent', { type: 'oadrRequestEvent', requestID: 'q9', venID: 'ven-1' });
    const events = (answer.payload as any).oadrEvent.map((e: any) => [
      e.eiEvent.eventDescriptor.eventID,
      e.eiEvent.eventDescriptor.eventStatus,
    ]);
    expect(events).toEqual([
      [now.body.eventId, 'active'],
      [later.body.eventId, 'far'],
    ]);
    expect((answer.payload as any).eiResponse).toMatchObject({ responseCode: '200', requestID: 'q9' });
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
    const limited = await t.post('EiEvent', {
      type: 'oadrRequestEvent',
      requestID: 'q10',
      venID: 'ven-1',
      replyLimit: 1,
    });
    expect((limited.payload as any).oadrEvent).toHaveLength(1);
    await register('ven-2');
    const none = await t.post('EiEvent', { type: 'oadrRequestEvent', requestID: 'q11', venID: 'ven-2' });
    expect(none.payload).toMatchObject({ type: 'oadrDistributeEvent', eiResponse: { responseCode: '200' } });
    expect(none.payload).not.toHaveProperty('oadrEvent');
  });

  it('EV-8 PATCH bumps the modificationNumber and redistributes; a no-op does not; If-Match 412; EV-9 DELETE cancels, and EV-13 the VEN response removes it', async () => {
    await register('ven-1');
    const { body } = await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
    const id = body.eventId;
    await t.post('OadrPoll', poll('ven-1'));
    await createdEvent('ven-1', id, 0);
    const same = await t.api(`/api/v1/events/${id}`, { method: 'PATCH', body: { priority: 0 } });
    expect(same.body.modificationNumber).toBe(0);
    expect(
      (await t.api(`/api/v1/events/${id}`, { method: 'PATCH', body: { priority: 2 }, headers: { 'if-match': '"7"' } }))
        .status,
    ).toBe(412);
    const patched = await t.api(`/api/v1/events/${id}`, {
      method: 'PATCH',
      body: { priority: 2, modificationReason: 'more' },
      headers: { 'if-match': '"0"' },
    });
    expect(patched.body).toMatchObject({ modificationNumber: 1, priority: 2, modificationReason: 'more' });
    const redelivered = await t.post('OadrPoll', poll('ven-1'));
    expect((redelivered.payload as any).oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      modificationNumber: 1,
      priority: 2,
    });
    await createdEvent('ven-1', id, 1);
    const cancelled = await t.api(`/api/v1/events/${id}`, { method: 'DELETE' });
    expect(cancelled.body).toMatchObject({ modificationNumber: 2, status: 'cancelled', cancelled: true });
    expect((await t.api(`/api/v1/events/${id}`, { method: 'DELETE' })).body.modificationNumber).toBe(2);
    expect((await t.api(`/api/v1/events/${id}`, { method: 'PATCH', body: { priority: 1 } })).status).toBe(409);
    const cancel = await t.post('OadrPoll', poll('ven-1'));
    expect((cancel.payload as any).oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      eventStatus: 'cancelled',
      modificationNumber: 2,
    });
    await createdEvent('ven-1', id, 2, 'optOut');
    const after = await t.post('EiEvent', { type: 'oadrRequestEvent', requestID: 'q', venID: 'ven-1' });
    expect(after.payload).not.toHaveProperty('oadrEvent');
    const types = (await t.app.published('openadr.events').waitFor(3)).map((r) => r.type);
    expect(types).toEqual(['openadr.event.created', 'openadr.event.modified', 'openadr.event.cancelled']);
  });

  it('EV-11 a VEN withdrawn from the targets gets an explicit cancel; a VEN that never received it gets nothing', async () => {
    await register('ven-1');
    await register('ven-2');
    const { body } = await t.api('/api/v1/events', {
      method: 'POST',
      body: simpleEvent({ venIds: ['ven-1', 'ven-2'] }),
    });
    await t.post('OadrPoll', poll('ven-1'));
    await t.api(`/api/v1/events/${body.eventId}`, { method: 'PATCH', body: { targets: { venIds: ['ven-3'] } } });
    const withdrawn = await t.post('EiEvent', { type: 'oadrRequestEvent', requestID: 'w', venID: 'ven-1' });
    expect((withdrawn.payload as any).oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      eventStatus: 'cancelled',
      modificationNumber: 1,
    });
    const never = await t.post('EiEvent', { type: 'oadrRequestEvent', requestID: 'w', venID: 'ven-2' });
    expect(never.payload).not.toHaveProperty('oadrEvent');
  });

  it('EV-1 API-1 refusals: 422 with pointers for bad content, 409 for a reused eventId with another body, 200 for the same body, 401 without a token', async () => {
    const bad = await t.api('/api/v1/events', {
      method: 'POST',
      body: {
        targets: { all: true },
        signals: [{ name: 'SIMPLE', type: 'level', intervals: [{ duration: 'PT1M', value: 7 }] }],
      },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/signals/0/intervals/0/value' })]);
    const body = simpleEvent({ all: true }, { eventId: 'event-a' });
    expect((await t.api('/api/v1/events', { method: 'POST', body })).status).toBe(201);
    expect((await t.api('/api/v1/events', { method: 'POST', body })).status).toBe(200);
    expect((await t.api('/api/v1/events', { method: 'POST', body: { ...body, priority: 3 } })).status).toBe(409);
    const anonymous = await t.app.fetch('/api/v1/events');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('EiOpt', () => {
  it('OPT-1 OPT-3 OPT-4 an event opt, its replacement and cancellation; unknown optID 452; OPT-2 a schedule needs availability (454)', async () => {
    await register('ven-1');
    const { body } = await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ venIds: ['ven-1'] }) });
    const opt = (optType: string, extra: Record<string, unknown> = {}) =>
      ({
        type: 'oadrCreateOpt',
        optID: 'opt-1',
        optType,
        optReason: 'participating',
        venID: 'ven-1',
        createdDateTime: Date.now(),
        requestID: 'o1',
        qualifiedEventID: { eventID: body.eventId, modificationNumber: 0 },
        eiTarget: {},
        ...extra,
      }) as OadrPayload;
    expect((await t.post('EiOpt', opt('optOut'))).payload).toMatchObject({
      type: 'oadrCreatedOpt',
      optID: 'opt-1',
      eiResponse: { responseCode: '200' },
    });
    await t.post('EiOpt', opt('optOut'));
    expect((await t.api(`/api/v1/events/${body.eventId}`)).body.vens[0]).toMatchObject({
      opt: 'optOut',
      source: 'eiOpt',
    });
    const schedule = await t.post('EiOpt', opt('optIn', { optID: 'opt-2', qualifiedEventID: undefined }));
    expect(schedule.payload).toMatchObject({
      type: 'oadrCreatedOpt',
      optID: 'opt-2',
      eiResponse: { responseCode: '454' },
    });
    const unknown = await t.post('EiOpt', { type: 'oadrCancelOpt', requestID: 'c', optID: 'nope', venID: 'ven-1' });
    expect(unknown.payload).toMatchObject({
      type: 'oadrCanceledOpt',
      optID: 'nope',
      eiResponse: { responseCode: '452' },
    });
    const cancelled = await t.post('EiOpt', { type: 'oadrCancelOpt', requestID: 'c', optID: 'opt-1', venID: 'ven-1' });
    expect(cancelled.payload).toMatchObject({
      type: 'oadrCanceledOpt',
      optID: 'opt-1',
      eiResponse: { responseCode: '200' },
    });
    const records = await t.app.published('openadr.opt').waitFor(2);
    expect(records.map((r) => r.type)).toEqual(['openadr.opt.event-response', 'openadr.opt.cancelled']);
    expect((await t.api('/api/v1/vens/ven-1/opts')).body[0]).toMatchObject({ optId: 'opt-1', state: 'cancelled' });
  });
});

describe('EiOpt schedules', () => {
  it('OPT-2 OPT-3 OPT-5 an availability schedule is stored, published on the VEN key, replaced by the same optID and cancelled', async () => {
    await register('ven-1');
    const start = Date.UTC(2030, 5, 1, 8);
    const schedule = (optType: string, hours: number) =>
      ({
        type: 'oadrCreateOpt',
        optID: 'sched-1',
        optType,
        optReason: 'economic',
        marketContext: 'http://flexgrid.local/programs/default',
        venID: 'ven-1',
        vavailability: [{ dtstart: start, duration: hours * 3600 }],
        createdDateTime: start,
        requestID: 's1',
        eiTarget: { resourceID: ['device-1'] },
        oadrDeviceClass: { endDeviceAsset: ['Thermostat'] },
      }) as OadrPayload;
    const created = await t.post('EiOpt', schedule('optOut', 2));
    expect(created.payload).toMatchObject({
      type: 'oadrCreatedOpt',
      optID: 'sched-1',
      eiResponse: { responseCode: '200', requestID: 's1' },
    });
    // The same content again changes nothing; other content replaces it.
    await t.post('EiOpt', schedule('optOut', 2));
    await t.post('EiOpt', schedule('optOut', 3));
    await t.post('EiOpt', { type: 'oadrCancelOpt', requestID: 'c', optID: 'sched-1', venID: 'ven-1' } as OadrPayload);
    const records = await t.app.published('openadr.opt').waitFor(3);
    expect(records.map((r) => [r.key, r.type])).toEqual([
      ['ven-1', 'openadr.opt.schedule'],
      ['ven-1', 'openadr.opt.schedule'],
      ['ven-1', 'openadr.opt.cancelled'],
    ]);
    expect(records[0]?.data).toMatchObject({
      venId: 'ven-1',
      optId: 'sched-1',
      optType: 'optOut',
      optReason: 'economic',
      periods: [{ start: new Date(start).toISOString(), end: new Date(start + 7_200_000).toISOString() }],
      resourceIds: ['device-1'],
      deviceClassMrids: ['Thermostat'],
    });
    expect((records[1]?.data as any).periods[0].end).toBe(new Date(start + 3 * 3_600_000).toISOString());
    expect((await t.api('/api/v1/vens/ven-1/opts')).body).toEqual([
      expect.objectContaining({ optId: 'sched-1', kind: 'schedule', optType: 'optOut', state: 'cancelled' }),
    ]);
  });
});

describe('reports', () => {
  const metadata = (venID: string): OadrPayload => registerReports(venID, [usageMetadata()]);

  it('RP-3 RP-4 RP-5 RP-6 RP-11 RP-13 register, request, confirm and update: exact integer readings on meter.readings, duplicates idempotent, corrections as revisions', async () => {
    await register('ven-1');
    const registered = await t.post('EiReport', metadata('ven-1'));
    const requests = (registered.payload as any).oadrReportRequest;
    expect(requests).toHaveLength(1);
    expect(requests[0].reportSpecifier).toMatchObject({
      reportSpecifierID: 'spec-usage',
      granularity: 5,
      reportBackDuration: 5,
      specifierPayload: [
        { rID: 'power', readingType: 'Direct Read' },
        { rID: 'energy', readingType: 'Direct Read' },
      ],
    });
    const reportRequestID = requests[0].reportRequestID;
    const confirmed = await t.post('EiReport', {
      type: 'oadrCreatedReport',
      eiResponse: { responseCode: '200', requestID: 'reg-1' },
      oadrPendingReports: [reportRequestID],
      venID: 'ven-1',
    });
    expect(confirmed.payload).toMatchObject({
      type: 'oadrResponse',
      eiResponse: { responseCode: '200', requestID: 'reg-1' },
    });
    const start = Date.UTC(2030, 0, 1, 12);
    const update = (power: string): OadrPayload => usageUpdate('ven-1', { reportRequestID }, start, power);
    expect((await t.post('EiReport', update('1.2345'))).payload).toMatchObject({
      type: 'oadrUpdatedReport',
      eiResponse: { responseCode: '200' },
    });
    await t.post('EiReport', update('1.2345'));
    await t.post('EiReport', update('1.5'));
    const readings = await t.app.published('meter.readings').waitFor(3);
    const summary = readings.map((r: any) => [
      r.key,
      r.data.powerW ?? r.data.energyWh,
      r.data.revision,
      r.headers.ce_id,
    ]);
    expect(summary).toEqual([
      ['ven-1:power', 1235, 0, `openadr:ven-1:power:${start}:0`],
      ['ven-1:energy', 750, 0, `openadr:ven-1:energy:${start}:0`],
      ['ven-1:power', 1500, 1, `openadr:ven-1:power:${start}:1`],
    ]);
    expect(readings[0]?.data).toMatchObject({
      startTime: start,
      endTime: start + 5000,
      quality: 'measured',
      source: 'openadr-vtn',
      origin: { venId: 'ven-1', rId: 'power', resourceId: 'device-1' },
    });
    const unknown = await t.post('EiReport', {
      ...(update('1') as any),
      oadrReport: [{ ...(update('1') as any).oadrReport[0], reportRequestID: 'zz', reportSpecifierID: 'zz' }],
    });
    expect(unknown.payload).toMatchObject({ type: 'oadrUpdatedReport', eiResponse: { responseCode: '452' } });
  });

  it('RP-15 RP-16 operator report requests and cancellations go through the poll and are settled by the VEN', async () => {
    await register('ven-1');
    await t.post('EiReport', metadata('ven-1'));
    const requested = await t.api('/api/v1/vens/ven-1/report-requests', {
      method: 'POST',
      body: { reportSpecifierId: 'spec-usage', rIds: ['power'], granularity: 'PT5S' },
    });
    expect(requested.status).toBe(202);
    const outOfRange = await t.api('/api/v1/vens/ven-1/report-requests', {
      method: 'POST',
      body: { reportSpecifierId: 'spec-usage', granularity: 'PT1M' },
    });
    expect(outOfRange.status).toBe(422);
    const create = await t.post('OadrPoll', poll('ven-1'));
    expect(create.payload).toMatchObject({
      type: 'oadrCreateReport',
      oadrReportRequest: [{ reportRequestID: requested.body.reportRequestId }],
    });
    await t.post('EiReport', {
      type: 'oadrCreatedReport',
      eiResponse: { responseCode: '200', requestID: (create.payload as any).requestID },
      oadrPendingReports: [requested.body.reportRequestId],
      venID: 'ven-1',
    });
    expect(
      (await t.api(`/api/v1/vens/ven-1/report-requests/${requested.body.reportRequestId}`, { method: 'DELETE' }))
        .status,
    ).toBe(202);
    const cancel = await t.post('OadrPoll', poll('ven-1'));
    expect(cancel.payload).toMatchObject({
      type: 'oadrCancelReport',
      reportRequestID: [requested.body.reportRequestId],
      reportToFollow: false,
    });
    await t.post('EiReport', {
      type: 'oadrCanceledReport',
      eiResponse: { responseCode: '200', requestID: (cancel.payload as any).requestID },
      oadrPendingReports: [],
      venID: 'ven-1',
    });
    const reports = await t.api('/api/v1/vens/ven-1/reports');
    expect(reports.body.requests.find((r: any) => r.reportRequestId === requested.body.reportRequestId)).toMatchObject({
      state: 'cancelled',
    });
  });

  it('RP-17 the VTN offers only its METADATA', async () => {
    await register('ven-1');
    const other = await t.post('EiReport', {
      type: 'oadrCreateReport',
      requestID: 'x',
      venID: 'ven-1',
      oadrReportRequest: [
        {
          reportRequestID: 'a',
          reportSpecifier: {
            reportSpecifierID: 'foo',
            granularity: 0,
            reportBackDuration: 0,
            specifierPayload: [{ rID: 'r', readingType: 'Direct Read' }],
          },
        },
      ],
    } as OadrPayload);
    expect(other.payload).toMatchObject({ type: 'oadrCreatedReport', eiResponse: { responseCode: '452' } });
    const cancel = await t.post('EiReport', {
      type: 'oadrCancelReport',
      requestID: 'y',
      reportRequestID: ['a'],
      reportToFollow: false,
      venID: 'ven-1',
    });
    expect(cancel.payload).toMatchObject({ type: 'oadrCanceledReport', eiResponse: { responseCode: '452' } });
  });
});
