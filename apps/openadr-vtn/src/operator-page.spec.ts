/**
 * API-2 in Chromium: the operator page against the VTN on a real PostgreSQL and Kafka, fed through the wire
 * protocol by VENs that register, register their reports, poll and answer events (the app may not import the
 * simulator, a tool, so a minimal VEN on the protocol lib lives here). The page must show the VENs online and an
 * event with their opts, and a VEN that stops polling as offline without a reload (ON-2).
 */
import { type OadrDistributeEvent, type OadrPayload, type OptType } from '@flexgrid/protocol-openadr';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser } from '@flexgrid/testing';
import type { Page } from 'playwright-core';
import { API_TOKEN, createRegistration, postOadr, startVtn, type VtnUnderTest } from './testing/vtn.test-util';

/** A VEN as a device would be: registers, registers METADATA_TELEMETRY_USAGE, polls every second, opts. */
class ProtocolVen {
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  readonly answered: string[] = [];

  constructor(
    private readonly url: string,
    readonly venId: string,
    private readonly optType: OptType,
  ) {}

  private async post(service: Parameters<typeof postOadr>[1], payload: OadrPayload) {
    const answer = await postOadr(this.url, service, payload);
    if (answer.status !== 200) throw new Error(`${this.venId}: ${service} answered ${answer.status}: ${answer.text}`);
    return answer.payload;
  }

  async start(): Promise<void> {
    await this.post('EiRegisterParty', { type: 'oadrQueryRegistration', requestID: `q-${this.venId}` });
    const created = await this.post(
      'EiRegisterParty',
      createRegistration(this.venId, { oadrVenName: `${this.venId} site` }),
    );
    expect(created).toMatchObject({ type: 'oadrCreatedPartyRegistration', eiResponse: { responseCode: '200' } });
    const registered = await this.post('EiReport', {
      type: 'oadrRegisterReport',
      requestID: `rr-${this.venId}`,
      venID: this.venId,
      oadrReport: [
        {
          reportSpecifierID: `usage-${this.venId}`,
          reportRequestID: '0',
          reportName: 'METADATA_TELEMETRY_USAGE',
          createdDateTime: Date.now(),
          duration: 3600,
          oadrReportDescription: [
            {
              rID: 'power',
              reportDataSource: { resourceID: [`${this.venId}-battery`] },
              reportType: 'usage',
              itemBase: {
                type: 'powerReal',
                itemDescription: 'RealPower',
                itemUnits: 'W',
                siScaleCode: 'none',
                powerAttributes: { hertz: '50', voltage: '230', ac: true },
              },
              readingType: 'Direct Read',
              oadrSamplingRate: { oadrMinPeriod: 10, oadrMaxPeriod: 3600, oadrOnChange: false },
            },
          ],
        },
      ],
    } as OadrPayload);
    expect(registered).toMatchObject({ type: 'oadrRegisteredReport', eiResponse: { responseCode: '200' } });
    this.polling = true;
    this.schedule();
  }

  private inFlight: Promise<void> = Promise.resolve();

  private schedule(): void {
    this.timer = setTimeout(() => (this.inFlight = this.poll()), 1000);
  }

  private async poll(): Promise<void> {
    if (!this.polling) return;
    try {
      const payload = await this.post('OadrPoll', { type: 'oadrPoll', venID: this.venId });
      if (payload.type === 'oadrDistributeEvent') await this.distributed(payload as OadrDistributeEvent);
    } finally {
      if (this.polling) this.schedule();
    }
  }

  /** CMP-9: one oadrCreatedEvent answering every event that wants a response. */
  private async distributed(message: OadrDistributeEvent): Promise<void> {
    const eventResponses = (message.oadrEvent ?? [])
      .filter((e) => e.oadrResponseRequired === 'always')
      .map((e) => {
        const { eventID, modificationNumber } = e.eiEvent.eventDescriptor;
        this.answered.push(`${eventID}:${modificationNumber}`);
        return {
          responseCode: '200',
          responseDescription: 'OK',
          requestID: message.requestID,
          qualifiedEventID: { eventID, modificationNumber },
          optType: this.optType,
        };
      });
    if (eventResponses.length === 0) return;
    await this.post('EiEvent', {
      type: 'oadrCreatedEvent',
      eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
      eventResponses,
      venID: this.venId,
    } as OadrPayload);
  }

  /** Stops polling; resolves once a poll under way (and its answer) is done, so nothing arrives after. */
  stop(): Promise<void> {
    this.polling = false;
    clearTimeout(this.timer);
    return this.inFlight.catch(() => undefined);
  }
}

let t: VtnUnderTest;
let browser: TestBrowser;
let vens: ProtocolVen[] = [];

beforeAll(async () => {
  await buildUi('apps/openadr-vtn/ui/vite.config.mts');
  browser = await launchBrowser();
  // P_v = 1 s, so that a VEN that stops polling is offline after 3 s (ON-2).
  t = await startVtn({ OADR_POLL_FREQ: 'PT1S' });
}, 120_000);

afterAll(async () => {
  await Promise.all(vens.map((ven) => ven.stop()));
  // The browser first: a VTN that fails to stop must not leave Chromium holding jest open.
  await browser?.close();
  await t?.stop();
});

afterEach(async () => {
  await Promise.all(vens.map((ven) => ven.stop()));
  vens = [];
});

/** Opens the page and signs in with the operator token, as an operator would. */
async function signIn(page: Page, token = API_TOKEN): Promise<void> {
  await page.goto(`${t.app.url}/`);
  await page.getByLabel('bearer token').fill(token);
  await page.getByRole('button', { name: 'open the operator page' }).click();
}

const row = (page: Page, table: string, text: string) =>
  page.getByRole('table', { name: table, exact: true }).getByRole('row').filter({ hasText: text });

describe('API-2 the operator page', () => {
  it('API-2 ON-2 shows the VENs online and an event with their opts, then a silent VEN offline, live', async () => {
    vens = [
      new ProtocolVen(t.vtn.openadrUrl, 'ven-0001', 'optIn'),
      new ProtocolVen(t.vtn.openadrUrl, 'ven-0002', 'optIn'),
      new ProtocolVen(t.vtn.openadrUrl, 'ven-0003', 'optOut'),
    ];
    await Promise.all(vens.map((v) => v.start()));

    const { page, errors } = await browser.newPage();
    await signIn(page);
    for (const ven of vens) await row(page, 'VENs', ven.venId).getByText('online').waitFor();
    await page.getByLabel('VENs online').getByText('3 of 3 online').waitFor();
    // Set after the first render: still there at the end means nothing reloaded the page.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));

    // The operator creates an event with the page's form; the VENs get it on their next poll and opt.
    await page.getByRole('button', { name: 'new event' }).click();
    await page.getByLabel('comment (vtnComment)').fill('evening peak');
    await page.getByLabel('interval 1 value').fill('3');
    await page.getByRole('button', { name: 'create event' }).click();
    const created = page.getByRole('status').filter({ hasText: 'created: version 0' });
    await created.waitFor();
    const eventId = /Event (\S+) created/.exec((await created.textContent()) ?? '')?.[1] as string;
    expect(eventId).toMatch(/\S/);

    const eventRow = row(page, 'events', 'evening peak');
    await eventRow.getByText('far').waitFor();
    await page.getByLabel(`opts of ${eventId}`).getByText('2 in').waitFor();
    await page.getByLabel(`opts of ${eventId}`).getByText('1 out').waitFor();
    await eventRow.getByText('3 / 3').waitFor();

    // The event's detail (selected after creation): signals with intervals, and per VEN delivery and opt.
    const perVen = `VENs of event ${eventId}`;
    await row(page, perVen, 'ven-0001').getByText('acked').waitFor();
    await row(page, perVen, 'ven-0001').getByText('optIn').waitFor();
    await row(page, perVen, 'ven-0003').getByText('optOut').waitFor();
    const intervals = page.getByRole('table', { name: 'intervals of SIMPLE' });
    await intervals
      .getByRole('row')
      .filter({ hasText: '30 min' })
      .last()
      .getByRole('cell', { name: '3', exact: true })
      .waitFor();

    // The operator modifies it (PATCH with If-Match): version 1 goes out on the next polls and is answered.
    await page.getByRole('button', { name: 'modify' }).click();
    await page.getByLabel('interval 0 value').fill('2');
    await page.getByLabel('modification reason').fill('higher first step');
    await page.getByRole('button', { name: 'send modification' }).click();
    await page.getByRole('status').filter({ hasText: 'modified: version 1' }).waitFor();
    expect(await eventRow.getByText('all VENs').count()).toBe(1); // the targets were left unchanged
    for (const venId of ['ven-0001', 'ven-0002', 'ven-0003']) {
      await row(page, perVen, venId).getByRole('cell', { name: '1', exact: true }).waitFor();
      await row(page, perVen, venId).getByText('acked').waitFor();
    }
    await intervals
      .getByRole('row')
      .filter({ hasText: '30 min' })
      .first()
      .getByRole('cell', { name: '2', exact: true })
      .waitFor();

    // ven-0003 goes silent; the operator cancels the event (DELETE with If-Match), after confirming: the others
    // acknowledge the cancellation, while it stays queued for ven-0003.
    await vens[2]?.stop();
    await page.getByRole('button', { name: 'cancel event…' }).click();
    await page.getByRole('button', { name: 'confirm: cancel this event' }).click();
    await eventRow.getByText('cancelled').waitFor();
    await row(page, 'events', 'evening peak').getByRole('cell', { name: '2', exact: true }).waitFor();
    await row(page, perVen, 'ven-0001').getByRole('cell', { name: '2', exact: true }).waitFor();
    await row(page, perVen, 'ven-0001').getByText('acked').waitFor();
    await row(page, perVen, 'ven-0003').getByText('queued').waitFor();

    // One VEN's report registrations and poll queue.
    await row(page, 'VENs', 'ven-0002').click();
    await page.getByRole('table', { name: 'report registrations' }).getByText('METADATA_TELEMETRY_USAGE').waitFor();
    await page.getByRole('table', { name: 'poll queue' }).getByText('oadrDistributeEvent').first().waitFor();

    // ven-0003 is offline once 3 poll intervals pass without a request (ON-2), pushed by the live stream.
    await row(page, 'VENs', 'ven-0003').getByText('offline').waitFor({ timeout: 20_000 });
    await page.getByLabel('VENs online').getByText('2 of 3 online').waitFor();
    expect(await row(page, 'VENs', 'ven-0001').getByText('online').count()).toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(vens[0]?.answered).toEqual(expect.arrayContaining([`${eventId}:0`, `${eventId}:1`, `${eventId}:2`]));

    // The field the page shows, in the API (API-1): the silent VEN never got the cancellation.
    const { body } = await t.api(`/api/v1/events/${eventId}`);
    expect(body.vens.map((v: { venId: string; delivery: string }) => [v.venId, v.delivery])).toEqual([
      ['ven-0001', 'acked'],
      ['ven-0002', 'acked'],
      ['ven-0003', 'queued'],
    ]);

    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    await saveScreenshot(page, 'openadr-vtn');
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, 'openadr-vtn-dark');
    errors.expectNone();
    await page.context().close();
  }, 90_000);

  it('API-1 a wrong token and a refused event are shown as problems, and change nothing', async () => {
    const before = (await t.api('/api/v1/events')).body.items.length;
    const { page, errors } = await browser.newPage();
    await signIn(page, 'not-the-token');
    const problem = page.getByRole('alert');
    await problem.getByText('401').waitFor();
    await problem.getByText('a valid bearer token is required').waitFor();
    await saveScreenshot(page, 'openadr-vtn-sign-in');

    await page.getByLabel('bearer token').fill(API_TOKEN);
    await page.getByRole('button', { name: 'open the operator page' }).click();
    await page.getByRole('button', { name: 'new event' }).click();
    // An interval without a duration: the VTN refuses it with 422 and a JSON pointer; the page shows its problem.
    await page.getByLabel('these VENs').check();
    await page.getByLabel('interval 0 duration in minutes').fill('');
    await page.getByRole('button', { name: 'create event' }).click();
    await page.getByRole('alert').getByText('422').waitFor();
    await saveScreenshot(page, 'openadr-vtn-problem');
    expect((await t.api('/api/v1/events')).body.items).toHaveLength(before);
    errors.expectNone([/status of 401/, /status of 422/]);
    await page.context().close();
  }, 60_000);

  it('API-2 a fleet too large to list shows the VENs needing attention and finds any other by search', async () => {
    vens = [new ProtocolVen(t.vtn.openadrUrl, 'ven-0001', 'optIn')];
    await vens[0]?.start();
    // 520 provisioned VENs that never registered: more than the page lists at once (500).
    for (let i = 0; i < 520; i += 40)
      await Promise.all(
        Array.from({ length: 40 }, (_, k) =>
          t.api(`/api/v1/vens/site-${String(i + k).padStart(4, '0')}`, {
            method: 'PUT',
            body: { venName: 'pending site' },
          }),
        ),
      );
    const { page, errors } = await browser.newPage();
    await signIn(page);
    const search = page.getByLabel('search VENs');
    await search.waitFor();
    await page.getByText('showing the first 500 of the VENs that are not online').waitFor();
    await row(page, 'VENs', 'site-0000').getByText('not registered').waitFor();
    expect(await row(page, 'VENs', 'ven-0001').count()).toBe(0);
    await search.fill('ven-0001');
    await row(page, 'VENs', 'ven-0001').getByText('online').waitFor();
    await saveScreenshot(page, 'openadr-vtn-large-fleet');
    errors.expectNone();
    await page.context().close();
  }, 60_000);
});
