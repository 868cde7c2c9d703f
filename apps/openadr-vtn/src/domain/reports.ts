/** §8: report registration and requests (RP-1..RP-5), updates and telemetry (RP-6..RP-14), RP-15..RP-17. */
import {
  eiResponse,
  formatDuration,
  metadataReportName,
  metadataReportRequest,
  type OadrCreatedReport,
  type OadrPayload,
  type OadrRegisterReport,
  type OadrReportDescription,
  type OadrReportRequest,
  type OadrUpdateReport,
  OadrDataError,
  planReportRequests,
  reportBaseName,
  telemetryReadings,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';
import { VtnError } from '../errors';
import { meterReadingRecord } from '../records';
import type { ReportRequestRow, VtnStore } from '../store/store';
import type { VtnContext } from './context';
import { rematchVen } from './events';

function resourcesOf(descriptions: readonly OadrReportDescription[]): string[] {
  const out = new Set<string>();
  for (const d of descriptions)
    for (const id of [...(d.reportDataSource?.resourceID ?? []), ...(d.reportSubject?.resourceID ?? [])]) out.add(id);
  return [...out].sort();
}

/** RP-1..RP-4: stores the VEN's METADATA and answers with the requests of the policy. */
export async function registerReport(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  message: OadrRegisterReport,
): Promise<OadrPayload> {
  const now = context.now();
  const reports = message.oadrReport ?? [];
  const registrations = reports.map((report) => {
    const { name, warning } = metadataReportName(report.reportName);
    if (warning) context.logger.warn({ venId }, warning);
    return {
      venId,
      reportSpecifierId: report.reportSpecifierID,
      reportName: name,
      durationSeconds: report.duration ?? null,
      descriptions: report.oadrReportDescription ?? [],
    };
  });
  // RP-2: the new registration replaces the old; requests made for the old one are settled without a message.
  const open = (await tx.reportRequests(venId)).filter(
    (r) => r.origin === 'registration' && ['requested', 'created'].includes(r.state),
  );
  await tx.setReportRequestState(
    open.map((r) => r.reportRequestId),
    'superseded',
  );
  await tx.replaceReportRegistrations(venId, registrations);
  const ven = await tx.ven(venId);
  const resources = resourcesOf(registrations.flatMap((r) => r.descriptions));
  if (ven && JSON.stringify(ven.reportResources) !== JSON.stringify(resources)) {
    await tx.setReportResources(venId, resources);
    if (await rematchVen(tx, venId, now)) await tx.enqueueDistribute(venId);
  }
  // RP-15: a registration carrying the reportRequestID of our METADATA request settles it.
  if (message.reportRequestID) {
    await tx.setReportRequestState([message.reportRequestID], 'created');
    await tx.ack(venId, ['oadrCreateReport'], now, (item) =>
      item.reportRequestIds.includes(message.reportRequestID as string),
    );
  }
  const wanted = new Set(context.settings.requestedReports);
  const requests: OadrReportRequest[] = [];
  for (const [i, report] of reports.entries()) {
    const registration = registrations[i];
    if (!registration || !wanted.has(reportBaseName(registration.reportName))) continue;
    const planned = planReportRequests(report, {
      granularity: context.settings.reportGranularity,
      backMultiple: context.settings.reportBackMultiple,
      newReportRequestId: context.newId,
    });
    for (const request of planned) {
      await tx.insertReportRequest({
        reportRequestId: request.reportRequestID,
        venId,
        reportSpecifierId: registration.reportSpecifierId,
        reportName: reportBaseName(registration.reportName),
        granularitySeconds: request.reportSpecifier.granularity,
        reportBackSeconds: request.reportSpecifier.reportBackDuration,
        rIds: request.reportSpecifier.specifierPayload.map((p) => p.rID),
        state: 'requested',
        responseCode: null,
        origin: 'registration',
      });
      requests.push(request);
    }
  }
  return {
    type: 'oadrRegisteredReport',
    eiResponse: eiResponse('OK', message.requestID),
    ...(requests.length > 0 && { oadrReportRequest: requests }),
    venID: venId,
  };
}

/** RP-5: the VEN confirms (or refuses) the requests it will serve. */
export async function createdReport(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  message: OadrCreatedReport,
): Promise<void> {
  const now = context.now();
  const mine = new Map((await tx.reportRequests(venId)).map((r) => [r.reportRequestId, r]));
  const listed = message.oadrPendingReports.filter((id) => {
    if (!mine.has(id))
      context.logger.warn({ venId, reportRequestId: id }, 'oadrCreatedReport lists an unknown reportRequestID');
    return mine.has(id);
  });
  const ok = message.eiResponse.responseCode === '200';
  await tx.setReportRequestState(
    listed.filter((id) => !ok || mine.get(id)?.state === 'requested'),
    ok ? 'created' : 'refused',
    ok ? null : message.eiResponse.responseCode,
  );
  await tx.ack(
    venId,
    ['oadrCreateReport'],
    now,
    (item) =>
      item.requestId === message.eiResponse.requestID || item.reportRequestIds.some((id) => listed.includes(id)),
  );
}

/** RP-6..RP-13: stores the data of an update and publishes TELEMETRY_USAGE as meter.readings. */
export async function updateReport(
  context: VtnContext,
  tx: VtnStore,
  venId: string,
  message: OadrUpdateReport,
): Promise<OadrPayload> {
  const now = context.now();
  const requests = await tx.reportRequests(venId);
  const byId = new Map(requests.map((r) => [r.reportRequestId, r]));
  const registrations = new Map((await tx.reportRegistrations(venId)).map((r) => [r.reportSpecifierId, r]));
  // All-or-nothing (TR-3): resolve every report's request before storing anything.
  const resolved = (message.oadrReport ?? []).map((report) => {
    const request =
      byId.get(report.reportRequestID) ??
      [...requests].reverse().find((r) => r.reportSpecifierId === report.reportSpecifierID);
    if (!request) throw VtnError.ei('INVALID_ID', `unknown reportRequestID ${report.reportRequestID}`);
    const registered = registrations.get(request.reportSpecifierId)?.descriptions ?? [];
    const descriptions = new Map(
      registered.filter((d) => request.rIds.includes(d.rID)).map((d) => [d.rID, d] as const),
    );
    try {
      const extraction = telemetryReadings(report, {
        venId,
        reportRequestId: request.reportRequestId,
        reportSpecifierId: request.reportSpecifierId,
        reportName: request.reportName,
        granularity: request.granularitySeconds,
        descriptions,
      });
      return { report, request, descriptions, extraction };
    } catch (error) {
      if (error instanceof OadrDataError) throw VtnError.ei('INVALID_DATA', error.message);
      throw error;
    }
  });
  const records = [];
  const toCancel = new Set<string>();
  for (const { report, request, descriptions, extraction } of resolved) {
    if (extraction.ignoredRIds.length > 0) {
      context.metrics.ignoredReportPoints.inc(extraction.ignoredRIds.length);
      context.logger.warn({ venId, rIds: extraction.ignoredRIds }, 'report data for rIDs outside the request ignored');
    }
    const readings = new Map(extraction.readings.map((r) => [`${r.origin.rId}\u0000${r.startTime}`, r]));
    const spans = report.intervals ?? [];
    let offset = report.dtstart;
    for (const interval of spans) {
      const start = interval.dtstart ?? offset ?? now;
      offset = interval.duration !== undefined && offset !== undefined ? start + interval.duration * 1000 : undefined;
      const length = interval.duration && interval.duration > 0 ? interval.duration : request.granularitySeconds;
      for (const payload of interval.payloads) {
        if (payload.type !== 'oadrReportPayload' || !descriptions.has(payload.rID)) continue;
        const value = {
          ...payload.payloadBase,
          ...(payload.oadrDataQuality !== undefined && { dataQuality: payload.oadrDataQuality }),
        };
        const { revision, changed } = await tx.storeReportDatum({
          venId,
          rId: payload.rID,
          startMs: start,
          endMs: start + length * 1000,
          reportRequestId: request.reportRequestId,
          value,
        });
        if (request.reportName === 'TELEMETRY_STATUS') await tx.saveReportStatus(venId, payload.rID, value, start);
        const reading = readings.get(`${payload.rID}\u0000${start}`);
        if (changed && reading) records.push(meterReadingRecord(reading, revision));
      }
    }
    if (request.state === 'requested') await tx.setReportRequestState([request.reportRequestId], 'created');
    if (['cancelling', 'cancelled', 'superseded'].includes(request.state)) toCancel.add(request.reportRequestId);
    // Q table: an update settles the oadrCreateReport that asked for it (openleadr 0.5.34 sends no oadrCreatedReport).
    await tx.ack(venId, ['oadrCreateReport'], now, (item) => item.reportRequestIds.includes(request.reportRequestId));
  }
  await tx.publish(records);
  return {
    type: 'oadrUpdatedReport',
    eiResponse: eiResponse('OK', message.requestID),
    ...(toCancel.size > 0 && {
      oadrCancelReport: {
        requestID: context.newId(),
        reportRequestID: [...toCancel],
        reportToFollow: false,
        venID: venId,
      },
    }),
    venID: venId,
  };
}

export interface ReportRequestInput {
  readonly reportSpecifierId?: unknown;
  readonly rIds?: unknown;
  readonly granularity?: unknown;
  readonly reportBackDuration?: unknown;
  readonly reportInterval?: unknown;
}

/** RP-15: an operator's request of any registered report, sent through the poll. */
export async function requestReport(
  context: VtnContext,
  venId: string,
  input: ReportRequestInput,
  parseSeconds: (value: unknown, pointer: string) => number,
): Promise<string> {
  const result = await context.store.transaction(async (tx) => {
    const ven = await tx.ven(venId);
    if (!ven) throw VtnError.http(404, 'Not found', `no VEN ${venId}`);
    if (ven.registration !== 'active') throw VtnError.http(409, 'Conflict', `VEN ${venId} has no active registration`);
    const reportRequestId = context.newId();
    const specifier = input.reportSpecifierId;
    if (typeof specifier !== 'string' || specifier === '')
      throw VtnError.unprocessable([{ pointer: '/reportSpecifierId', message: 'required' }]);
    let request: OadrReportRequest;
    let row: Omit<ReportRequestRow, 'createdAt'>;
    if (specifier === 'METADATA') {
      request = metadataReportRequest(reportRequestId);
      row = {
        reportRequestId,
        venId,
        reportSpecifierId: 'METADATA',
        reportName: 'METADATA',
        granularitySeconds: 0,
        reportBackSeconds: 0,
        rIds: ['METADATA'],
        state: 'requested',
        responseCode: null,
        origin: 'operator',
      };
    } else {
      const registration = (await tx.reportRegistrations(venId)).find((r) => r.reportSpecifierId === specifier);
      if (!registration)
        throw VtnError.unprocessable([
          { pointer: '/reportSpecifierId', message: `VEN ${venId} registered no ${specifier}` },
        ]);
      const offered = new Map(registration.descriptions.map((d) => [d.rID, d]));
      const rIds =
        input.rIds === undefined
          ? [...offered.keys()]
          : Array.isArray(input.rIds) && input.rIds.every((r) => typeof r === 'string')
            ? (input.rIds as string[])
            : [];
      if (rIds.length === 0) throw VtnError.unprocessable([{ pointer: '/rIds', message: 'a non-empty list of rIDs' }]);
      const granularity = parseSeconds(input.granularity, '/granularity');
      const back =
        input.reportBackDuration === undefined
          ? granularity
          : parseSeconds(input.reportBackDuration, '/reportBackDuration');
      const problems = rIds.flatMap((rId, i) => {
        const d = offered.get(rId);
        if (!d) return [{ pointer: `/rIds/${i}`, message: `${rId} is not registered in ${specifier}` }];
        const rate = d.oadrSamplingRate;
        if (rate && (granularity < rate.oadrMinPeriod || granularity > rate.oadrMaxPeriod))
          return [
            {
              pointer: '/granularity',
              message: `${rId} samples from ${formatDuration(rate.oadrMinPeriod)} to ${formatDuration(rate.oadrMaxPeriod)}`,
            },
          ];
        return [];
      });
      if (problems.length > 0) throw VtnError.unprocessable(problems);
      request = {
        reportRequestID: reportRequestId,
        reportSpecifier: {
          reportSpecifierID: specifier,
          granularity,
          reportBackDuration: back,
          specifierPayload: rIds.map((rID) => ({ rID, readingType: offered.get(rID)?.readingType ?? 'Direct Read' })),
        },
      };
      row = {
        reportRequestId,
        venId,
        reportSpecifierId: specifier,
        reportName: reportBaseName(registration.reportName),
        granularitySeconds: granularity,
        reportBackSeconds: back,
        rIds,
        state: 'requested',
        responseCode: null,
        origin: 'operator',
      };
    }
    await tx.insertReportRequest(row);
    const requestId = context.newId();
    await tx.enqueue(venId, {
      kind: 'oadrCreateReport',
      supersedeKey: `report:${reportRequestId}`,
      requestId,
      reportRequestIds: [reportRequestId],
      payload: writeOadrPayload({
        type: 'oadrCreateReport',
        requestID: requestId,
        oadrReportRequest: [request],
        venID: venId,
      }),
    });
    return reportRequestId;
  });
  return result;
}

/** RP-16 with Q-5: cancels a request through the poll, or at once when it was never delivered. */
export async function cancelReportRequest(context: VtnContext, venId: string, reportRequestId: string): Promise<void> {
  await context.store.transaction(async (tx) => {
    const request = await tx.reportRequest(reportRequestId);
    if (!request || request.venId !== venId)
      throw VtnError.http(404, 'Not found', `no report request ${reportRequestId}`);
    if (['cancelling', 'cancelled', 'superseded'].includes(request.state)) return;
    const now = context.now();
    const superseded = await tx.supersede(venId, `report:${reportRequestId}`, now);
    if (superseded.some((item) => item.kind === 'oadrCreateReport' && item.lastDeliveredAt === null)) {
      await tx.setReportRequestState([reportRequestId], 'cancelled');
      return;
    }
    await tx.setReportRequestState([reportRequestId], 'cancelling');
    const requestId = context.newId();
    await tx.enqueue(venId, {
      kind: 'oadrCancelReport',
      supersedeKey: `report:${reportRequestId}`,
      requestId,
      reportRequestIds: [reportRequestId],
      payload: writeOadrPayload({
        type: 'oadrCancelReport',
        requestID: requestId,
        reportRequestID: [reportRequestId],
        reportToFollow: false,
        venID: venId,
      }),
    });
  });
}

/** RP-16: the VEN confirms a cancellation. */
export async function canceledReport(context: VtnContext, tx: VtnStore, venId: string, requestID: string) {
  const acked = await tx.ack(venId, ['oadrCancelReport'], context.now(), (item) => item.requestId === requestID);
  await tx.setReportRequestState(
    acked.flatMap((item) => item.reportRequestIds),
    'cancelled',
  );
}
