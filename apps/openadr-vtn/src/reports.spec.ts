/**
 * §8 beyond the happy path of vtn.spec.ts: what a VEN's METADATA registration stores and changes (RP-1, RP-2,
 * EV-4, RP-15), updates that name a lost or unknown request (RP-6), updates for requests being cancelled
 * (RP-9) and TELEMETRY_STATUS (RP-14).
 */
import type { OadrPayload, OadrReport } from '@flexgrid/protocol-openadr';
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
  await t.post('EiRegisterParty', createRegistration('ven-1'));
});
afterEach(() => t.stop());

const poll = (venID: string): OadrPayload => ({ type: 'oadrPoll', venID });

/** A TELEMETRY_STATUS report registered without the METADATA_ prefix (RP-1 takes it with a warning). */
const statusMetadata: OadrReport = {
  reportSpecifierID: 'spec-status',
  reportRequestID: '0',
  reportName: 'TELEMETRY_STATUS',
  createdDateTime: Date.now(),
  oadrReportDescription: [
    {
      rID: 'status',
      reportSubject: { resourceID: ['device-2'] },
      reportType: 'x-resourceStatus',
      readingType: 'x-notApplicable',
      oadrSamplingRate: { oadrMinPeriod: 10, oadrMaxPeriod: 10, oadrOnChange: false },
    },
  ],
} as OadrReport;

async function reportsOf(venId: string) {
  return (await t.api(`/api/v1/vens/${venId}/reports`)).body;
}

describe('RP-1 RP-2 METADATA registration', () => {
  it('RP-1 RP-2 EV-4 stores each METADATA report per specifier; a new registration replaces it, supersedes its requests and re-targets events by its resourceIDs', async () => {
    const registered = await t.post('EiReport', registerReports('ven-1', [usageMetadata(), statusMetadata]));
    expect(registered.payload).toMatchObject({
      type: 'oadrRegisteredReport',
      eiResponse: { responseCode: '200', requestID: 'reg-1' },
      venID: 'ven-1',
    });
    const requested = (registered.payload as any).oadrReportRequest.map(
      (r: any) => r.reportSpecifier.reportSpecifierID,
    );
    expect(requested.sort()).toEqual(['spec-status', 'spec-usage']);
    const first = await reportsOf('ven-1');
    expect(first.registrations.map((r: any) => [r.reportSpecifierId, r.reportName])).toEqual([
      ['spec-status', 'METADATA_TELEMETRY_STATUS'],
      ['spec-usage', 'METADATA_TELEMETRY_USAGE'],
    ]);
    expect(first.registrations[1].descriptions.map((d: any) => [d.rID, d.itemBase?.type])).toEqual([
      ['power', 'powerReal'],
      ['energy', 'energyReal'],
    ]);
    expect(first.requests.map((r: any) => r.state)).toEqual(['requested', 'requested']);
    expect((await t.api('/api/v1/vens/ven-1')).body.resources).toEqual(['device-1', 'device-2']);

    // EV-4: resourceIDs of the METADATA make the VEN a target.
    const event = await t.api('/api/v1/events', { method: 'POST', body: simpleEvent({ resourceIds: ['device-2'] }) });
    expect(event.status).toBe(201);
    const delivered = await t.post('OadrPoll', poll('ven-1'));
    expect((delivered.payload as any).oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      eventID: event.body.eventId,
      eventStatus: 'far',
    });

    // RP-2: the next registration replaces the previous one; requests of the old one are superseded, silently.
    const again = await t.post('EiReport', registerReports('ven-1', [usageMetadata()], 'reg-2'));
    expect((again.payload as any).oadrReportRequest).toHaveLength(1);
    const second = await reportsOf('ven-1');
    expect(second.registrations.map((r: any) => r.reportSpecifierId)).toEqual(['spec-usage']);
    expect(second.requests.map((r: any) => `${r.reportSpecifierId} ${r.state}`).sort()).toEqual([
      'spec-status superseded',
      'spec-usage requested',
      'spec-usage superseded',
    ]);
    expect((await t.api('/api/v1/vens/ven-1')).body.resources).toEqual(['device-1']);
    // EV-4 and EV-11: device-2 is gone, so the VEN that received the event now gets it as cancelled.
    const withdrawn = await t.post('OadrPoll', poll('ven-1'));
    expect((withdrawn.payload as any).oadrEvent[0].eiEvent.eventDescriptor).toMatchObject({
      eventID: event.body.eventId,
      eventStatus: 'cancelled',
    });
    expect((await t.api('/api/v1/vens/ven-1/queue')).body.every((i: any) => i.kind === 'distribute')).toBe(true);
  });

  it('RP-1 RP-15 a registration carrying the reportRequestID of the VTN METADATA request settles it', async () => {
    await t.post('EiReport', registerReports('ven-1', [usageMetadata()]));
    const asked = await t.api('/api/v1/vens/ven-1/report-requests', {
      method: 'POST',
      body: { reportSpecifierId: 'METADATA', granularity: 'PT0S' },
    });
    expect(asked.status).toBe(202);
    const request = await t.post('OadrPoll', poll('ven-1'));
    expect(request.payload).toMatchObject({
      type: 'oadrCreateReport',
      oadrReportRequest: [
        {
          reportRequestID: asked.body.reportRequestId,
          reportSpecifier: { reportSpecifierID: 'METADATA', specifierPayload: [{ rID: 'METADATA' }] },
        },
      ],
    });
    const answer = await t.post('EiReport', {
      ...(registerReports('ven-1', [usageMetadata()], 'reg-3') as any),
      reportRequestID: asked.body.reportRequestId,
    });
    expect(answer.payload).toMatchObject({ type: 'oadrRegisteredReport', eiResponse: { responseCode: '200' } });
    const reports = await reportsOf('ven-1');
    expect(reports.requests.find((r: any) => r.reportRequestId === asked.body.reportRequestId)).toMatchObject({
      state: 'created',
    });
    expect((await t.api('/api/v1/vens/ven-1/queue')).body[0]).toMatchObject({
      kind: 'oadrCreateReport',
      state: 'acked',
    });
    expect((await t.post('OadrPoll', poll('ven-1'))).payload.type).toBe('oadrResponse');
  });
});

describe('RP-6 RP-9 RP-14 updates', () => {
  const start = Date.UTC(2030, 0, 1, 12);
  const stored = async () => Number((await t.app.query(`select count(*)::int as n from report_data`))[0]?.n);

  async function usageRequest(): Promise<string> {
    const registered = await t.post('EiReport', registerReports('ven-1', [usageMetadata(), statusMetadata]));
    return (registered.payload as any).oadrReportRequest.find(
      (r: any) => r.reportSpecifier.reportSpecifierID === 'spec-usage',
    ).reportRequestID;
  }

  it('RP-6 an unknown reportRequestID falls back to the request of its specifier; with neither, 452 for the whole message and nothing stored', async () => {
    const reportRequestID = await usageRequest();
    // After a restore the VEN may name a request the VTN no longer knows: its specifier finds the request.
    const fallback = await t.post('EiReport', usageUpdate('ven-1', { reportRequestID: 'lost' }, start, '2'));
    expect(fallback.payload).toMatchObject({ type: 'oadrUpdatedReport', eiResponse: { responseCode: '200' } });
    const rows = await t.app.query<{ report_request_id: string }>(`select distinct report_request_id from report_data`);
    expect(rows).toEqual([{ report_request_id: reportRequestID }]);
    // The first update of a `requested` request marks it created.
    const request = (await reportsOf('ven-1')).requests.find((r: any) => r.reportRequestId === reportRequestID);
    expect(request.state).toBe('created');
    const readings = await t.app.published('meter.readings').waitFor(2);
    expect(readings.map((r: any) => r.data.origin.reportRequestId)).toEqual([reportRequestID, reportRequestID]);

    // One good report and one nobody knows: all-or-nothing (TR-3).
    const good = (usageUpdate('ven-1', { reportRequestID }, start + 5000, '3') as any).oadrReport[0];
    const bad = (usageUpdate('ven-1', { reportRequestID: 'x', reportSpecifierID: 'nope' }, start, '4') as any)
      .oadrReport[0];
    const before = await stored();
    const refused = await t.post('EiReport', {
      type: 'oadrUpdateReport',
      requestID: 'u2',
      venID: 'ven-1',
      oadrReport: [good, bad],
    } as OadrPayload);
    expect(refused.payload).toMatchObject({
      type: 'oadrUpdatedReport',
      eiResponse: { responseCode: '452', requestID: 'u2' },
      venID: 'ven-1',
    });
    expect(await stored()).toBe(before);
    // The next good update is published after the two of the fallback, and nothing of the refused one was.
    await t.post('EiReport', usageUpdate('ven-1', { reportRequestID }, start + 10_000, '5'));
    const after = await t.app.published('meter.readings').waitFor(4);
    expect(after.map((r: any) => r.data.startTime)).toEqual([start, start, start + 10_000, start + 10_000]);
  });

  it('RP-9 an update for a request being cancelled, cancelled or superseded is stored and published, and answered with an oadrCancelReport', async () => {
    const reportRequestID = await usageRequest();
    await t.post('EiReport', {
      type: 'oadrCreatedReport',
      eiResponse: { responseCode: '200', requestID: 'reg-1' },
      oadrPendingReports: [reportRequestID],
      venID: 'ven-1',
    });
    const cancelled = await t.api(`/api/v1/vens/ven-1/report-requests/${reportRequestID}`, { method: 'DELETE' });
    expect(cancelled.status).toBe(202);
    expect((await reportsOf('ven-1')).requests.find((r: any) => r.reportRequestId === reportRequestID).state).toBe(
      'cancelling',
    );
    // The VEN sends one more update before it polls the cancellation.
    const late = await t.post('EiReport', usageUpdate('ven-1', { reportRequestID }, start, '1'));
    expect(late.payload).toMatchObject({
      type: 'oadrUpdatedReport',
      eiResponse: { responseCode: '200', requestID: 'u1' },
      oadrCancelReport: { reportRequestID: [reportRequestID], reportToFollow: false, venID: 'ven-1' },
      venID: 'ven-1',
    });
    expect((late.payload as any).oadrCancelReport.requestID).toMatch(/^[0-9a-f-]{36}$/);
    const readings = await t.app.published('meter.readings').waitFor(2);
    expect(readings.map((r: any) => [r.key, r.data.powerW ?? r.data.energyWh])).toEqual([
      ['ven-1:power', 1000],
      ['ven-1:energy', 750],
    ]);

    // A request superseded by the VEN's next registration (RP-2) is answered the same way.
    const next = await usageRequest();
    await usageRequest();
    const stale = await t.post('EiReport', usageUpdate('ven-1', { reportRequestID: next }, start + 5000, '3'));
    expect(stale.payload).toMatchObject({
      eiResponse: { responseCode: '200' },
      oadrCancelReport: { reportRequestID: [next] },
    });
    const all = await t.app.published('meter.readings').waitFor(4);
    expect(all.slice(2).map((r: any) => [r.data.origin.reportRequestId, r.data.startTime])).toEqual([
      [next, start + 5000],
      [next, start + 5000],
    ]);
    expect(await stored()).toBe(4);
  });

  it('RP-14 TELEMETRY_STATUS is stored per rID and shown by the VEN API, not published', async () => {
    await usageRequest();
    const registered = await reportsOf('ven-1');
    const statusRequest = registered.requests.find((r: any) => r.reportSpecifierId === 'spec-status').reportRequestId;
    const update = (online: boolean, at: number): OadrPayload =>
      ({
        type: 'oadrUpdateReport',
        requestID: 's1',
        venID: 'ven-1',
        oadrReport: [
          {
            dtstart: at,
            intervals: [
              {
                dtstart: at,
                payloads: [
                  {
                    type: 'oadrReportPayload',
                    rID: 'status',
                    payloadBase: { type: 'oadrPayloadResourceStatus', oadrOnline: online, oadrManualOverride: false },
                  },
                ],
              },
            ],
            eiReportID: '',
            reportRequestID: statusRequest,
            reportSpecifierID: 'spec-status',
            reportName: 'TELEMETRY_STATUS',
            createdDateTime: at,
          },
        ],
      }) as OadrPayload;
    expect((await t.post('EiReport', update(true, start))).payload).toMatchObject({
      eiResponse: { responseCode: '200' },
    });
    await t.post('EiReport', update(false, start + 10_000));
    // An older status arriving late does not replace the newer one.
    await t.post('EiReport', update(true, start - 10_000));
    expect((await t.api('/api/v1/vens/ven-1')).body.status).toEqual({
      status: { type: 'oadrPayloadResourceStatus', oadrOnline: false, oadrManualOverride: false },
    });
    expect((await reportsOf('ven-1')).status).toEqual([
      {
        rId: 'status',
        value: { type: 'oadrPayloadResourceStatus', oadrOnline: false, oadrManualOverride: false },
        at: new Date(start + 10_000).toISOString(),
      },
    ]);
    // A usage update after the status ones: the first reading on the topic is that, none of the status.
    const usage = registered.requests.find((r: any) => r.reportSpecifierId === 'spec-usage').reportRequestId;
    await t.post('EiReport', usageUpdate('ven-1', { reportRequestID: usage }, start, '1'));
    const readings = await t.app.published('meter.readings').waitFor(2);
    expect(readings.map((r) => r.key)).toEqual(['ven-1:power', 'ven-1:energy']);
  });
});
