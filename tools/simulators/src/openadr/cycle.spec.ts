/**
 * SPEC §14 over HTTP: the simulated VEN (the lib's VEN side, as openleadr's client behaves) against the VTN on
 * a real PostgreSQL and Kafka: registration, report registration, an event and its optIn, an operator report
 * request, report updates on meter.readings, a modification and a cancellation, and re-registration through
 * the poll. Every answer the VTN gave is validated with xmllint against oadr_20b.xsd at the end.
 */
import { join } from 'node:path';
import { loadConfig } from '@flexgrid/platform-service';
import { startOpenadrVtn, type RunningVtn, vtnEnv } from '@flexgrid/openadr-vtn';
import { startTestApp, type TestApp, workspaceRoot, xmllintValidate } from '@flexgrid/testing';
import { SimulatedVen } from './ven';

/* eslint-disable @typescript-eslint/no-explicit-any */

const TOKEN = 'cycle-test-token-0123456789abcdefghijklmnop';

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let app: TestApp;
let vtn: RunningVtn;
let ven: SimulatedVen;
const answers: string[] = [];

beforeAll(async () => {
  app = await startTestApp({
    name: 'cycle',
    start: async (environment) => {
      vtn = await startOpenadrVtn({
        ...loadConfig(vtnEnv, {
          OADR_TLS: 'off',
          OADR_ALLOW_INSECURE_HTTP: 'true',
          OADR_REGISTRATION_POLICY: 'auto-accept',
          OADR_API_TOKENS: TOKEN,
          OADR_PORT: '0',
          OADR_API_PORT: '0',
          OADR_API_HOST: '127.0.0.1',
          OADR_POLL_FREQ: 'PT1S',
          OADR_REPORT_GRANULARITY: 'PT1S',
          LOG_LEVEL: 'fatal',
        }),
        ...environment,
      });
      return vtn;
    },
  });
});
afterAll(async () => {
  ven?.close();
  await app.stop();
});

async function api(path: string, method = 'GET', body?: unknown): Promise<any> {
  const response = await app.fetch(path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  expect(response.status).toBeLessThan(300);
  return response.json();
}

it('CMP-1..CMP-12 the whole §14 cycle with the simulated VEN; every answer is XSD-valid (xmllint)', async () => {
  ven = new SimulatedVen({
    vtnUrl: vtn.openadrUrl,
    venId: 'ven-0001',
    samplingSeconds: 1,
    power: () => 1500,
    onExchange: (exchange) => answers.push(exchange.text),
  });
  // CMP-1: query, create, register reports (answered with the RP-3 requests), request events; then poll.
  await ven.start();
  expect(ven.registrationId).toMatch(/^[0-9a-f-]{36}$/);
  expect(ven.pollSeconds).toBe(1);
  const requests = await until('the registration requests', async () => {
    const reports = await api('/api/v1/vens/ven-0001/reports');
    return reports.requests.length === 2 && reports.requests.every((r: any) => r.state === 'created')
      ? reports
      : undefined;
  });
  expect(requests.registrations.map((r: any) => r.reportName).sort()).toEqual([
    'METADATA_TELEMETRY_STATUS',
    'METADATA_TELEMETRY_USAGE',
  ]);

  // An event and its optIn.
  const event = await api('/api/v1/events', 'POST', {
    targets: { venIds: ['ven-0001'] },
    start: new Date(Date.now() + 3_600_000).toISOString(),
    signals: [{ name: 'SIMPLE', type: 'level', intervals: [{ duration: 'PT1H', value: 1 }] }],
  });
  const [opt] = await app.published('openadr.opt').waitFor(1, 20_000);
  expect(opt?.data).toMatchObject({
    venId: 'ven-0001',
    eventId: event.eventId,
    modificationNumber: 0,
    optType: 'optIn',
  });

  // Telemetry of the registration's requests on meter.readings (RP-13): 1500 W, and 1500 W × 1 s = 0.417 Wh → 0.
  const readings = await app.published('meter.readings').waitFor(2, 20_000);
  const power = readings.find((r) => r.key === 'ven-0001:ven-0001.meter.power');
  expect(power?.data).toMatchObject({ powerW: 1500, source: 'openadr-vtn', quality: 'measured' });
  expect((power?.data as any).endTime - (power?.data as any).startTime).toBe(1000);

  // An operator report request through the poll (RP-15), confirmed by oadrCreatedReport and served.
  const { reportRequestId } = await api('/api/v1/vens/ven-0001/report-requests', 'POST', {
    reportSpecifierId: 'ven-0001.usage',
    rIds: ['ven-0001.meter.power'],
    granularity: 'PT2S',
  });
  await until('the operator request to be created', async () => {
    const reports = await api('/api/v1/vens/ven-0001/reports');
    return reports.requests.find((r: any) => r.reportRequestId === reportRequestId && r.state === 'created');
  });
  await until('data of the operator request', async () => {
    const rows = await app.query('select count(*)::int as n from report_data where report_request_id = $1', [
      reportRequestId,
    ]);
    return (rows[0] as { n: number }).n > 0 ? true : undefined;
  });

  // A modification and a cancellation, each answered by the VEN.
  await api(`/api/v1/events/${event.eventId}`, 'PATCH', { priority: 1 });
  await until('the optIn of version 1', () => (ven.opts.get(`${event.eventId}:1`) ? true : undefined));
  await api(`/api/v1/events/${event.eventId}`, 'DELETE');
  await until('the answer to the cancellation', () => (ven.opts.get(`${event.eventId}:2`) ? true : undefined));
  // The VEN has its answer once the VTN took the optIn; the operator's view follows it through openadr.opt.
  const view = await until('the view of the answer to the cancellation', async () => {
    const shown = await api(`/api/v1/events/${event.eventId}`);
    return shown.vens[0]?.optModificationNumber === 2 ? shown : undefined;
  });
  expect(view.vens[0]).toMatchObject({ venId: 'ven-0001', deliveredModificationNumber: 2, optModificationNumber: 2 });
  const opts = await app.published('openadr.opt').waitFor(3);
  expect(opts.map((r) => (r.data as any).modificationNumber)).toEqual([0, 1, 2]);

  // Re-registration through the poll (REG-9): same registrationID, reports registered again.
  const before = ven.registrationId;
  await api('/api/v1/vens/ven-0001/reregistration', 'POST');
  await until('the re-registration', () => (ven.stats.registrations === 2 ? true : undefined));
  expect(ven.registrationId).toBe(before);
  expect(ven.stats.errors).toBe(0);

  // Every answer against the XSD with libxml2.
  const verdicts = await xmllintValidate(answers, {
    dir: join(workspaceRoot(), 'libs/protocols/openadr/schema'),
    entry: 'oadr_20b.xsd',
  });
  const invalid = verdicts.filter((v) => !v.valid);
  expect(invalid).toEqual([]);
  expect(answers.length).toBeGreaterThan(15);
});
