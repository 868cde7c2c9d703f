/**
 * The VTN under test (startTestApp: its own database and topic prefix) and a VEN's view of it: every answer
 * is read with the lib's VEN side and must be XSD-valid (XW-4), which `post` asserts for each one.
 */
import { loadConfig } from '@flexgrid/platform-service';
import {
  type OadrPayload,
  type OadrReport,
  type OadrService,
  readOadrPayload,
  validateOadrMessage,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';
import { startTestApp, type TestApp, type TestAppOptions } from '@flexgrid/testing';
import { type RunningVtn, startOpenadrVtn, type VtnOptions } from '../app';
import { vtnEnv } from '../config';

export const API_TOKEN = 'test-token-0123456789-abcdefghijklmnopqrstuvwxyz';

/** §13 from an environment of test values: dev mode (plain HTTP on loopback), ephemeral ports. */
export function testConfig(environment: Record<string, string> = {}): VtnOptions {
  return loadConfig(vtnEnv, {
    OADR_TLS: 'off',
    OADR_ALLOW_INSECURE_HTTP: 'true',
    OADR_REGISTRATION_POLICY: 'auto-accept',
    OADR_API_TOKENS: API_TOKEN,
    OADR_PORT: '0',
    OADR_HOST: '127.0.0.1',
    OADR_API_PORT: '0',
    OADR_API_HOST: '127.0.0.1',
    LOG_LEVEL: 'fatal',
    ...environment,
  });
}

export interface VtnUnderTest {
  readonly app: TestApp;
  readonly vtn: RunningVtn;
  /** POSTs a payload (or raw text) to a service; a 200 answer is checked against the XSD and read. */
  post(service: OadrService, body: OadrPayload | string, contentType?: string): Promise<PostResult>;
  /** The operator API with the bearer token. */
  api(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResult>;
  stop(): Promise<void>;
}

export interface PostResult {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  /** The answer payload of a 200. */
  readonly payload: OadrPayload;
}

export interface ApiResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Posts to an OpenADR base URL; any 200 answer must validate (XW-4) and read (the VEN side of the lib). */
export async function postOadr(
  baseUrl: string,
  service: OadrService,
  body: OadrPayload | string,
  contentType = 'application/xml',
): Promise<PostResult> {
  const response = await fetch(`${baseUrl}/${service}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : writeOadrPayload(body),
  });
  const text = await response.text();
  let payload = undefined as unknown as OadrPayload;
  if (response.status === 200) {
    const invalid = validateOadrMessage(text);
    if (invalid) throw new Error(`the VTN answered an XSD-invalid message: ${invalid.message}\n${text}`);
    const read = readOadrPayload(text);
    if (!read.ok) throw new Error(`the VTN answered an unreadable message: ${read.error.message}`);
    payload = read.message.payload;
  }
  return { status: response.status, text, headers: response.headers, payload };
}

export async function startVtn(
  environment: Record<string, string> = {},
  overrides: Partial<VtnOptions> = {},
  infrastructure: TestAppOptions['infrastructure'] = {},
): Promise<VtnUnderTest> {
  let running: RunningVtn | undefined;
  const app = await startTestApp({
    name: 'vtn',
    infrastructure,
    start: async (env) => {
      running = await startOpenadrVtn({ ...testConfig(environment), ...env, ...overrides });
      return running;
    },
  });
  const vtn = running as unknown as RunningVtn;
  return {
    app,
    vtn,
    post: (service, body, contentType) => postOadr(vtn.openadrUrl, service, body, contentType),
    api: async (path, init = {}) => {
      const response = await app.fetch(path, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${API_TOKEN}`,
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    stop: () => app.stop(),
  };
}

/** openleadr's startup (CMP-1), as payloads: query, then create. */
export function createRegistration(venID: string | undefined, extra: Record<string, unknown> = {}): OadrPayload {
  return {
    type: 'oadrCreatePartyRegistration',
    requestID: 'req-create',
    ...(venID !== undefined && { venID }),
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrTransportAddress: 'None',
    oadrReportOnly: false,
    oadrXmlSignature: false,
    oadrVenName: `name of ${venID ?? 'ven'}`,
    oadrHttpPullModel: true,
    ...extra,
  } as OadrPayload;
}

/** A SIMPLE event starting in an hour, for `targets`. */
export function simpleEvent(targets: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    targets,
    start: new Date(Date.now() + 3_600_000).toISOString(),
    signals: [
      {
        name: 'SIMPLE',
        type: 'level',
        intervals: [
          { duration: 'PT30M', value: 1 },
          { duration: 'PT30M', value: 2 },
        ],
      },
    ],
    ...extra,
  };
}

/** A clock the test moves (VtnOptions.clock), starting at the real time so that events and lastSeen look current. */
export class ManualClock {
  private at = Date.now();
  readonly now = (): number => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Polls `probe` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no result within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A METADATA_TELEMETRY_USAGE report as openleadr registers it (CMP-5): power (kW) of device-1 and energy (kWh), 5 s. */
export function usageMetadata(reportSpecifierID = 'spec-usage'): OadrReport {
  return {
    reportSpecifierID,
    reportRequestID: '0',
    reportName: 'METADATA_TELEMETRY_USAGE',
    createdDateTime: Date.now(),
    duration: 3600,
    oadrReportDescription: [
      {
        rID: 'power',
        reportDataSource: { resourceID: ['device-1'] },
        reportType: 'usage',
        itemBase: {
          type: 'powerReal',
          itemDescription: 'RealPower',
          itemUnits: 'W',
          siScaleCode: 'k',
          powerAttributes: { hertz: '50', voltage: '230', ac: true },
        },
        readingType: 'Direct Read',
        oadrSamplingRate: { oadrMinPeriod: 5, oadrMaxPeriod: 5, oadrOnChange: false },
      },
      {
        rID: 'energy',
        reportType: 'usage',
        itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
        readingType: 'Direct Read',
        oadrSamplingRate: { oadrMinPeriod: 5, oadrMaxPeriod: 5, oadrOnChange: false },
      },
    ],
  } as OadrReport;
}

/** oadrRegisterReport with these METADATA reports. */
export function registerReports(venID: string, reports: readonly OadrReport[], requestID = 'reg-1'): OadrPayload {
  return { type: 'oadrRegisterReport', requestID, venID, oadrReport: [...reports] } as OadrPayload;
}

/** oadrUpdateReport of one TELEMETRY_USAGE interval at `start`: power and energy as decimal text. */
export function usageUpdate(
  venID: string,
  ids: { reportRequestID: string; reportSpecifierID?: string },
  start: number,
  power: string,
  energy = '0.75',
): OadrPayload {
  return {
    type: 'oadrUpdateReport',
    requestID: 'u1',
    venID,
    oadrReport: [
      {
        dtstart: start,
        intervals: [
          {
            dtstart: start,
            payloads: [
              { type: 'oadrReportPayload', rID: 'power', payloadBase: { type: 'payloadFloat', value: power } },
              { type: 'oadrReportPayload', rID: 'energy', payloadBase: { type: 'payloadFloat', value: energy } },
            ],
          },
        ],
        eiReportID: '',
        reportRequestID: ids.reportRequestID,
        reportSpecifierID: ids.reportSpecifierID ?? 'spec-usage',
        reportName: 'TELEMETRY_USAGE',
        createdDateTime: start,
      },
    ],
  } as OadrPayload;
}
