/**
 * SIM-1: a compliant OpenADR 2.0b VEN on the lib's VEN side: registers, registers its TELEMETRY_USAGE
 * (energyReal Wh, powerReal W per resource) and TELEMETRY_STATUS reports, polls every P_v, answers every
 * poll payload with its proper reply, opts in or out of events by a ratio and sends report updates every G.
 * It speaks only the wire protocol, so it is also the reference client a device maker can read.
 */
import {
  eiResponse,
  type OadrCreateReport,
  type OadrDistributeEvent,
  type OadrPayload,
  type OadrRegisteredReport,
  type OadrReport,
  type OadrReportRequest,
  type OptType,
} from '@flexgrid/protocol-openadr';
import { type OadrExchange, OadrTransport, type VenTls } from './transport';

export interface SimulatedVenOptions {
  /** The VTN's OpenADR base URL, e.g. http://127.0.0.1:8080/OpenADR2/Simple/2.0b */
  readonly vtnUrl: string;
  /** Pre-allocated venID (SIM-1). */
  readonly venId: string;
  readonly venName?: string;
  readonly tls?: VenTls;
  /** Share of events this VEN opts out of, 0…1 (decided per event, the same for every answer). */
  readonly optOutRatio?: number;
  readonly resources?: readonly string[];
  /** The sampling period the VEN offers, seconds (oadrMinPeriod; oadrMaxPeriod is one hour). */
  readonly samplingSeconds?: number;
  /** Power of a resource now, W. */
  readonly power?: (resource: string, at: number) => number;
  /** Every exchange with the VTN (tests validate the answers with xmllint). */
  readonly onExchange?: (exchange: OadrExchange) => void;
  readonly onError?: (error: unknown) => void;
}

export interface VenStats {
  registrations: number;
  polls: number;
  distributes: number;
  optIns: number;
  optOuts: number;
  updates: number;
  errors: number;
  /** Latency of every poll, ms. */
  pollLatencies: number[];
}

interface ActiveRequest {
  readonly request: OadrReportRequest;
  timer?: NodeJS.Timeout;
}

const METADATA_USAGE = 'METADATA_TELEMETRY_USAGE';

/** A stable per-event choice: FNV-1a of venId and eventId. */
function fraction(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (hash % 10_000) / 10_000;
}

export class SimulatedVen {
  readonly stats: VenStats = {
    registrations: 0,
    polls: 0,
    distributes: 0,
    optIns: 0,
    optOuts: 0,
    updates: 0,
    errors: 0,
    pollLatencies: [],
  };
  registrationId: string | undefined;
  pollSeconds = 10;
  /** The opt this VEN gave per eventID and modificationNumber. */
  readonly opts = new Map<string, OptType>();
  private readonly transport: OadrTransport;
  private readonly requests = new Map<string, ActiveRequest>();
  private pollTimer: NodeJS.Timeout | undefined;
  private running = false;
  private request = 0;
  private readonly resources: readonly string[];

  constructor(readonly options: SimulatedVenOptions) {
    this.transport = new OadrTransport(options.vtnUrl, options.tls, options.onExchange);
    this.resources = options.resources ?? [`${options.venId}.meter`];
  }

  get venId(): string {
    return this.options.venId;
  }

  get registered(): boolean {
    return this.registrationId !== undefined;
  }

  private requestId(): string {
    this.request += 1;
    return `${this.venId}-${this.request}`;
  }

  /** CMP-1: query, register, register reports, request events; then poll every P_v. */
  async start(options: { poll?: boolean } = {}): Promise<void> {
    this.running = true;
    await this.register();
    if (options.poll !== false) this.schedulePoll(0);
  }

  async register(): Promise<void> {
    const query = await this.transport.send('EiRegisterParty', {
      type: 'oadrQueryRegistration',
      requestID: this.requestId(),
    });
    const created = await this.transport.send('EiRegisterParty', {
      type: 'oadrCreatePartyRegistration',
      requestID: query.type === 'oadrCreatedPartyRegistration' ? query.eiResponse.requestID : this.requestId(),
      ...(this.registrationId !== undefined && { registrationID: this.registrationId }),
      venID: this.venId,
      oadrProfileName: '2.0b',
      oadrTransportName: 'simpleHttp',
      oadrReportOnly: false,
      oadrXmlSignature: false,
      oadrVenName: this.options.venName ?? this.venId,
      oadrHttpPullModel: true,
    });
    if (
      created.type !== 'oadrCreatedPartyRegistration' ||
      created.eiResponse.responseCode !== '200' ||
      !created.registrationID
    )
      throw new Error(`${this.venId}: registration refused: ${JSON.stringify(created)}`);
    this.registrationId = created.registrationID;
    this.pollSeconds = created.oadrRequestedOadrPollFreq ?? 10;
    this.stats.registrations += 1;
    await this.registerReports();
    await this.handle(
      await this.transport.send('EiEvent', {
        type: 'oadrRequestEvent',
        requestID: this.requestId(),
        venID: this.venId,
      }),
    );
  }

  /** The METADATA of SIM-1. */
  metadata(): OadrReport[] {
    const sampling = this.options.samplingSeconds ?? 10;
    const rate = { oadrMinPeriod: sampling, oadrMaxPeriod: 3600, oadrOnChange: false };
    const now = Date.now();
    return [
      {
        reportSpecifierID: `${this.venId}.usage`,
        reportRequestID: '0',
        reportName: METADATA_USAGE,
        createdDateTime: now,
        duration: 3600,
        oadrReportDescription: this.resources.flatMap((resource) => [
          {
            rID: `${resource}.energy`,
            reportDataSource: { resourceID: [resource] },
            reportType: 'usage' as const,
            itemBase: {
              type: 'energyReal' as const,
              itemDescription: 'RealEnergy' as const,
              itemUnits: 'Wh' as const,
              siScaleCode: 'none' as const,
            },
            readingType: 'Direct Read' as const,
            oadrSamplingRate: rate,
          },
          {
            rID: `${resource}.power`,
            reportDataSource: { resourceID: [resource] },
            reportType: 'usage' as const,
            itemBase: {
              type: 'powerReal' as const,
              itemDescription: 'RealPower' as const,
              itemUnits: 'W' as const,
              siScaleCode: 'none' as const,
              powerAttributes: { hertz: '50', voltage: '230', ac: true },
            },
            readingType: 'Direct Read' as const,
            oadrSamplingRate: rate,
          },
        ]),
      },
      {
        reportSpecifierID: `${this.venId}.status`,
        reportRequestID: '0',
        reportName: 'METADATA_TELEMETRY_STATUS',
        createdDateTime: now,
        duration: 3600,
        oadrReportDescription: this.resources.map((resource) => ({
          rID: `${resource}.status`,
          reportDataSource: { resourceID: [resource] },
          reportType: 'x-resourceStatus' as const,
          readingType: 'x-notApplicable' as const,
          oadrSamplingRate: rate,
        })),
      },
    ];
  }

  private async registerReports(reportRequestID?: string): Promise<void> {
    const requestID = this.requestId();
    const answer = await this.transport.send('EiReport', {
      type: 'oadrRegisterReport',
      requestID,
      oadrReport: this.metadata(),
      venID: this.venId,
      ...(reportRequestID !== undefined && { reportRequestID }),
    });
    if (answer.type === 'oadrRegisteredReport') await this.acceptRequests(answer);
  }

  /** CMP-7: oadrCreatedReport for the requests of an oadrRegisteredReport, then updates every G. */
  private async acceptRequests(answer: OadrRegisteredReport): Promise<void> {
    const requests = answer.oadrReportRequest ?? [];
    if (requests.length === 0) return;
    for (const request of requests) this.startRequest(request);
    await this.transport.send('EiReport', {
      type: 'oadrCreatedReport',
      eiResponse: eiResponse('OK', answer.eiResponse.requestID),
      oadrPendingReports: [...this.requests.keys()],
      venID: this.venId,
    });
  }

  private startRequest(request: OadrReportRequest): void {
    this.stopRequest(request.reportRequestID);
    const granularity = Math.max(1, request.reportSpecifier.granularity);
    const active: ActiveRequest = { request };
    active.timer = setInterval(() => {
      if (!this.running) return;
      this.sendUpdate(request, granularity).catch((error: unknown) => this.failed(error));
    }, granularity * 1000);
    active.timer.unref();
    this.requests.set(request.reportRequestID, active);
  }

  private stopRequest(reportRequestID: string): void {
    const active = this.requests.get(reportRequestID);
    if (active?.timer) clearInterval(active.timer);
    this.requests.delete(reportRequestID);
  }

  /** CMP-12: one oadrReport per update; interval dtstart; one payload per rID. */
  async sendUpdate(request: OadrReportRequest, granularity: number): Promise<void> {
    const end = Math.floor(Date.now() / 1000) * 1000;
    const start = end - granularity * 1000;
    const rIds = request.reportSpecifier.specifierPayload.map((p) => p.rID);
    const power = (rId: string) => {
      const resource = rId.slice(0, rId.lastIndexOf('.'));
      return this.options.power?.(resource, start) ?? 1000 + Math.round(fraction(`${resource}:${start}`) * 2000);
    };
    const payloads = rIds.map((rID) => {
      if (rID.endsWith('.status'))
        return {
          type: 'oadrReportPayload' as const,
          rID,
          payloadBase: { type: 'oadrPayloadResourceStatus' as const, oadrOnline: true, oadrManualOverride: false },
        };
      const watts = power(rID);
      const value = rID.endsWith('.energy') ? ((watts * granularity) / 3600).toFixed(3) : String(watts);
      return { type: 'oadrReportPayload' as const, rID, payloadBase: { type: 'payloadFloat' as const, value } };
    });
    const answer = await this.transport.send('EiReport', {
      type: 'oadrUpdateReport',
      requestID: this.requestId(),
      oadrReport: [
        {
          dtstart: start,
          intervals: [{ dtstart: start, duration: granularity, payloads }],
          eiReportID: '',
          reportRequestID: request.reportRequestID,
          reportSpecifierID: request.reportSpecifier.reportSpecifierID,
          reportName: request.reportSpecifier.reportSpecifierID.endsWith('.status')
            ? 'TELEMETRY_STATUS'
            : 'TELEMETRY_USAGE',
          createdDateTime: Date.now(),
        },
      ],
      venID: this.venId,
    });
    this.stats.updates += 1;
    // RP-9: a VTN that no longer wants the data says so in the answer.
    if (answer.type === 'oadrUpdatedReport' && answer.oadrCancelReport)
      for (const id of answer.oadrCancelReport.reportRequestID) this.stopRequest(id);
  }

  /** One poll; returns the answer type. */
  async poll(): Promise<OadrPayload['type']> {
    const started = performance.now();
    const answer = await this.transport.send('OadrPoll', { type: 'oadrPoll', venID: this.venId });
    this.stats.polls += 1;
    this.stats.pollLatencies.push(performance.now() - started);
    await this.handle(answer);
    return answer.type;
  }

  private schedulePoll(delayMs: number): void {
    if (!this.running) return;
    this.pollTimer = setTimeout(() => {
      this.poll()
        .then((type) => this.schedulePoll(type === 'oadrResponse' ? this.pollSeconds * 1000 : 0))
        .catch((error: unknown) => {
          this.failed(error);
          this.schedulePoll(this.pollSeconds * 1000);
        });
    }, delayMs);
    this.pollTimer.unref();
  }

  private failed(error: unknown): void {
    this.stats.errors += 1;
    this.options.onError?.(error);
  }

  /** CMP-11: the proper reply to every payload a poll (or a request) can bring. */
  private async handle(answer: OadrPayload): Promise<void> {
    switch (answer.type) {
      case 'oadrDistributeEvent':
        return this.distributed(answer);
      case 'oadrRequestReregistration':
        await this.transport.send('EiRegisterParty', {
          type: 'oadrResponse',
          eiResponse: eiResponse('OK', ''),
          venID: this.venId,
        });
        return this.register();
      case 'oadrCreateReport':
        return this.createReport(answer);
      case 'oadrCancelReport': {
        for (const id of answer.reportRequestID) this.stopRequest(id);
        await this.transport.send('EiReport', {
          type: 'oadrCanceledReport',
          eiResponse: eiResponse('OK', answer.requestID),
          oadrPendingReports: [...this.requests.keys()],
          venID: this.venId,
        });
        return;
      }
      case 'oadrRegisterReport':
        await this.transport.send('EiReport', {
          type: 'oadrRegisteredReport',
          eiResponse: eiResponse('OK', answer.requestID),
          venID: this.venId,
        });
        return;
      case 'oadrCancelPartyRegistration': {
        const mine = answer.registrationID === this.registrationId;
        await this.transport.send('EiRegisterParty', {
          type: 'oadrCanceledPartyRegistration',
          eiResponse: mine
            ? eiResponse('OK', answer.requestID)
            : eiResponse('INVALID_ID', answer.requestID, 'not my registrationID'),
          ...(this.registrationId !== undefined && { registrationID: this.registrationId }),
          venID: this.venId,
        });
        if (mine) {
          this.registrationId = undefined;
          this.stop();
        }
        return;
      }
      default:
        return;
    }
  }

  private async createReport(message: OadrCreateReport): Promise<void> {
    const metadata = message.oadrReportRequest.find((r) => r.reportSpecifier.reportSpecifierID === 'METADATA');
    for (const request of message.oadrReportRequest) if (request !== metadata) this.startRequest(request);
    await this.transport.send('EiReport', {
      type: 'oadrCreatedReport',
      eiResponse: eiResponse('OK', message.requestID),
      oadrPendingReports: [...this.requests.keys()],
      venID: this.venId,
    });
    if (metadata) await this.registerReports(metadata.reportRequestID);
  }

  /** CMP-9: one oadrCreatedEvent for every event that wants a response. */
  private async distributed(message: OadrDistributeEvent): Promise<void> {
    this.stats.distributes += 1;
    const ratio = this.options.optOutRatio ?? 0;
    const eventResponses = (message.oadrEvent ?? [])
      .filter((e) => e.oadrResponseRequired === 'always')
      .map((e) => {
        const { eventID, modificationNumber } = e.eiEvent.eventDescriptor;
        const optType: OptType = fraction(`${this.venId}:${eventID}`) < ratio ? 'optOut' : 'optIn';
        this.opts.set(`${eventID}:${modificationNumber}`, optType);
        if (optType === 'optIn') this.stats.optIns += 1;
        else this.stats.optOuts += 1;
        return {
          responseCode: '200',
          responseDescription: 'OK',
          requestID: message.requestID,
          qualifiedEventID: { eventID, modificationNumber },
          optType,
        };
      });
    if (eventResponses.length === 0) return;
    await this.transport.send('EiEvent', {
      type: 'oadrCreatedEvent',
      eiResponse: eiResponse('OK', ''),
      eventResponses,
      venID: this.venId,
    });
  }

  /** Stops polling and reporting. */
  stop(): void {
    this.running = false;
    clearTimeout(this.pollTimer);
    for (const id of [...this.requests.keys()]) this.stopRequest(id);
  }

  close(): void {
    this.stop();
    this.transport.close();
  }
}
