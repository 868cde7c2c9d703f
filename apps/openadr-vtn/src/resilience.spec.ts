/**
 * The VTN running while its PostgreSQL or its Kafka broker dies and comes back (servers of the test's own):
 * VENs get a clean 503 while the database is away (TR-4) and carry on after; a broker outage does not stop
 * the VENs being served; every event, opt, status change and reading reaches Kafka exactly once through
 * the outbox (§11, DB-2), and nobody is marked offline for the VTN's own outage (ON-2).
 */
import type { OadrPayload } from '@flexgrid/protocol-openadr';
import { type PrivateKafka, type PrivatePostgres, startPrivateKafka, startPrivatePostgres } from '@flexgrid/testing';
import {
  createRegistration,
  eventually,
  ManualClock,
  registerReports,
  simpleEvent,
  startVtn,
  usageMetadata,
  usageUpdate,
  type VtnUnderTest,
} from './testing/vtn.test-util';

/* eslint-disable @typescript-eslint/no-explicit-any */

let t: VtnUnderTest;

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });
const optIn = (venID: string, answers: readonly [eventID: string, modificationNumber: number][]): OadrPayload =>
  ({
    type: 'oadrCreatedEvent',
    eiResponse: { responseCode: '200', requestID: '' },
    eventResponses: answers.map(([eventID, modificationNumber]) => ({
      responseCode: '200',
      requestID: 'd',
      qualifiedEventID: { eventID, modificationNumber },
      optType: 'optIn',
    })),
    venID,
  }) as OadrPayload;

async function createEvent(body: unknown): Promise<string> {
  const created = await t.api('/api/v1/events', { method: 'POST', body });
  expect(created.status).toBe(201);
  return created.body.eventId;
}

/** Every outbox row reached its topic, and each exactly once: nothing lost, nothing twice. */
async function expectEachRecordOnce(): Promise<Map<string, string[]>> {
  const rows = await eventually(async () => {
    const outbox = await t.app.query<{ topic: string; event_id: string; sent: boolean }>(
      `select topic, event_id, sent_at is not null as sent from flexgrid_outbox order by id`,
    );
    return outbox.every((r) => r.sent) ? outbox : undefined;
  }, 120_000);
  const byTopic = new Map<string, string[]>();
  for (const topic of new Set(rows.map((r) => r.topic))) {
    const expected = rows.filter((r) => r.topic === topic).map((r) => r.event_id);
    const published = await t.app.published(topic).waitFor(expected.length, 120_000);
    expect(published.map((r) => r.headers.ce_id).sort()).toEqual([...expected].sort());
    byTopic.set(
      topic,
      published.map((r) => r.type ?? ''),
    );
  }
  return byTopic;
}

describe('PostgreSQL restarted under a running VTN', () => {
  let postgres: PrivatePostgres;
  beforeAll(async () => {
    postgres = await startPrivatePostgres();
  });
  afterAll(() => postgres?.destroy());
  afterEach(() => t.stop());

  it('TR-4 VENs get 503 with Retry-After while it is down and are served again after; ON-2 nobody goes offline for the outage; §11 every record once', async () => {
    const clock = new ManualClock();
    t = await startVtn({ OADR_POLL_FREQ: 'PT1S' }, { clock: clock.now }, { databaseServerUrl: postgres.url });
    await t.post('EiRegisterParty', createRegistration('ven-1'));
    const first = await createEvent(simpleEvent({ venIds: ['ven-1'] }));
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');

    await postgres.crash();
    const refused = await t.post('OadrPoll', poll('ven-1'));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.text)).toMatchObject({ status: 503, title: 'Service unavailable' });
    expect((await t.post('EiEvent', optIn('ven-1', [[first, 0]]))).status).toBe(503);
    expect((await t.post('EiRegisterParty', createRegistration('ven-2'))).status).toBe(503);
    const operator = await t.api('/api/v1/vens');
    expect(operator.status).toBe(503);
    expect(operator.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await t.app.fetch('/readyz')).status).toBe(503);
    // The outage lasts far beyond 3 × P_v on the VTN's clock.
    clock.advance(60_000);
    await expect(t.vtn.sweep()).rejects.toThrow();

    await postgres.restart();
    expect(await eventually(async () => t.vtn.sweep(), 30_000)).toBe(0);
    expect((await t.api('/api/v1/vens')).body[0]).toMatchObject({ venId: 'ven-1', online: true });
    // The VEN answers the distribute again, as after Retry-After.
    const accepted = await eventually(async () => {
      const answer = await t.post('EiEvent', optIn('ven-1', [[first, 0]]));
      return answer.status === 200 ? answer : undefined;
    }, 30_000);
    expect(accepted.payload).toMatchObject({ type: 'oadrResponse', eiResponse: { responseCode: '200' } });
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
    expect((await t.post('EiRegisterParty', createRegistration('ven-2'))).payload).toMatchObject({
      eiResponse: { responseCode: '200' },
    });
    const second = await createEvent(simpleEvent({ all: true }));
    const both = await t.post('OadrPoll', poll('ven-1'));
    expect((both.payload as any).oadrEvent.map((e: any) => e.eiEvent.eventDescriptor.eventID).sort()).toEqual(
      [first, second].sort(),
    );

    const published = await expectEachRecordOnce();
    expect(published.get('openadr.events')).toHaveLength(2);
    expect(published.get('openadr.opt')).toEqual(['openadr.opt.event-response']);
    expect(published.get('openadr.ven-status')?.filter((type) => type === 'openadr.ven.offline')).toEqual([]);
  }, 120_000);
});

describe('Kafka restarted under a running VTN', () => {
  let kafka: PrivateKafka;
  beforeAll(async () => {
    kafka = await startPrivateKafka();
  }, 180_000);
  afterAll(() => kafka?.destroy(), 60_000);
  afterEach(() => t.stop(), 120_000);

  it('§11 DB-2 VENs are served while the broker is down; every event version, opt, status change and reading reaches Kafka once after it returns', async () => {
    // P_v of an hour: however long the broker takes to come back, no VEN goes offline meanwhile.
    t = await startVtn({ OADR_POLL_FREQ: 'PT1H' }, {}, { kafkaBrokers: kafka.brokers });
    await t.post('EiRegisterParty', createRegistration('ven-1'));
    const registered = await t.post('EiReport', registerReports('ven-1', [usageMetadata()]));
    const reportRequestID = (registered.payload as any).oadrReportRequest[0].reportRequestID;
    const first = await createEvent(simpleEvent({ venIds: ['ven-1'] }));
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrDistributeEvent');
    await t.post('EiEvent', optIn('ven-1', [[first, 0]]));
    const start = Date.UTC(2030, 0, 1, 12);
    await t.post('EiReport', usageUpdate('ven-1', { reportRequestID }, start, '1'));
    await expectEachRecordOnce();

    await kafka.kill();
    // Nothing the VENs or the operator do waits for the broker.
    const second = await createEvent(simpleEvent({ all: true }));
    expect((await t.api(`/api/v1/events/${first}`, { method: 'PATCH', body: { priority: 2 } })).status).toBe(200);
    const distribute = await t.post('OadrPoll', poll('ven-1'));
    expect(
      (distribute.payload as any).oadrEvent.map((e: any) => [
        e.eiEvent.eventDescriptor.eventID,
        e.eiEvent.eventDescriptor.modificationNumber,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [first, 1],
        [second, 0],
      ]),
    );
    expect(
      (
        await t.post(
          'EiEvent',
          optIn('ven-1', [
            [first, 1],
            [second, 0],
          ]),
        )
      ).payload,
    ).toMatchObject({ eiResponse: { responseCode: '200' } });
    expect((await t.post('EiReport', usageUpdate('ven-1', { reportRequestID }, start + 5000, '2'))).status).toBe(200);
    await t.post('EiRegisterParty', createRegistration('ven-2'));
    // Held in the outbox, not lost.
    const held = await t.app.query<{ n: number }>(
      `select count(*)::int as n from flexgrid_outbox where sent_at is null`,
    );
    expect(held[0]?.n).toBe(8);

    await kafka.restart();
    const published = await expectEachRecordOnce();
    expect(published.get('openadr.events')).toEqual(
      expect.arrayContaining(['openadr.event.created', 'openadr.event.created', 'openadr.event.modified']),
    );
    expect(published.get('openadr.events')).toHaveLength(3);
    expect(published.get('openadr.opt')).toHaveLength(3);
    expect(published.get('meter.readings')).toHaveLength(4);
    expect(published.get('openadr.ven-status')).toHaveLength(4);
  }, 240_000);
});
