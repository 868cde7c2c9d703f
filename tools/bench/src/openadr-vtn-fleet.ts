/**
 * One process of the openadr-vtn soak's VEN fleet (forked by openadr-vtn.ts, BENCH_SOAK_VENS_PER_PROCESS VENs
 * each), so that the load generator's own event loop never makes a VEN late: each VEN registers at its slot of
 * the warm-up, then polls every `periodMs` on its own keep-alive connection and answers a distribute as a VEN
 * does (CMP-9). It reports poll latencies measured after `soakStart` and its failures to the parent.
 */
import { Agent, request } from 'node:http';
import { type OadrPayload, writeOadrPayload } from '@flexgrid/protocol-openadr';

export interface FleetOrder {
  readonly base: string;
  readonly venIds: readonly string[];
  /** When this process's first VEN registers (epoch ms), and the gap to its next one. */
  readonly joinFrom: number;
  readonly joinStepMs: number;
  readonly soakStart: number;
  readonly deadline: number;
  readonly periodMs: number;
}

export interface FleetReport {
  latencies: number[];
  failures: number;
  registrationFailures: number;
  /** The latest this process sent a poll after its time: a late load generator shows here, not as VTN latency. */
  maxLagMs: number;
}

// One socket per VEN at most, as each real VEN has its own connection.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

export function post(
  base: string,
  service: string,
  body: string,
): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/${service}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString(),
            ms: performance.now() - started,
          }),
        );
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

export function registration(venID: string): string {
  return writeOadrPayload({
    type: 'oadrCreatePartyRegistration',
    requestID: 'r',
    venID,
    oadrProfileName: '2.0b',
    oadrTransportName: 'simpleHttp',
    oadrReportOnly: false,
    oadrXmlSignature: false,
    oadrHttpPullModel: true,
  });
}

/** Ends this process's keep-alive connections, so that it can exit. */
export function closeConnections(): void {
  agent.destroy();
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/**
 * A compliant VEN's reply to what a poll delivered (CMP-9 opt-in to a distribute, the ack of the VTN's METADATA
 * registration), so that nothing stays in flight to be redelivered as it would not be with a real VEN.
 */
function replyTo(venID: string, text: string): { service: string; body: string } | undefined {
  const requestID = /<pyld:requestID>([^<]*)</.exec(text)?.[1] ?? '';
  if (text.includes('oadrDistributeEvent')) {
    const eventID = /<ei:eventID>([^<]+)</.exec(text)?.[1] ?? '';
    const n = Number(/<ei:modificationNumber>([^<]+)</.exec(text)?.[1] ?? 0);
    return {
      service: 'EiEvent',
      body: writeOadrPayload({
        type: 'oadrCreatedEvent',
        eiResponse: { responseCode: '200', requestID: '' },
        eventResponses: [
          { responseCode: '200', requestID, qualifiedEventID: { eventID, modificationNumber: n }, optType: 'optIn' },
        ],
        venID,
      }),
    };
  }
  if (text.includes('oadrRegisterReport'))
    return {
      service: 'EiReport',
      body: writeOadrPayload({
        type: 'oadrRegisteredReport',
        eiResponse: { responseCode: '200', requestID },
        venID,
      }),
    };
  return undefined;
}

async function runVen(order: FleetOrder, venID: string, joinAt: number, report: FleetReport) {
  await sleepUntil(joinAt);
  const registered = await post(order.base, 'EiRegisterParty', registration(venID)).catch(() => undefined);
  if (!registered || registered.status !== 200 || !registered.text.includes('<ei:responseCode>200<')) {
    report.registrationFailures++;
    return;
  }
  const poll = writeOadrPayload({ type: 'oadrPoll', venID } satisfies OadrPayload);
  for (let next = Date.now(); next < order.deadline; next += order.periodMs) {
    await sleepUntil(next);
    if (next >= order.soakStart) report.maxLagMs = Math.max(report.maxLagMs, Date.now() - next);
    try {
      const answer = await post(order.base, 'OadrPoll', poll);
      if (next >= order.soakStart) report.latencies.push(answer.ms);
      if (answer.status !== 200) report.failures++;
      else {
        const reply = replyTo(venID, answer.text);
        if (reply) await post(order.base, reply.service, reply.body);
      }
    } catch {
      report.failures++;
    }
  }
}

async function runFleet(order: FleetOrder): Promise<FleetReport> {
  const report: FleetReport = { latencies: [], failures: 0, registrationFailures: 0, maxLagMs: 0 };
  await Promise.all(
    order.venIds.map((venID, i) => runVen(order, venID, order.joinFrom + i * order.joinStepMs, report)),
  );
  agent.destroy();
  return report;
}

if (require.main === module) {
  process.once('message', (order: FleetOrder) => {
    runFleet(order)
      .then((report) => process.send?.(report, () => process.exit(0)))
      .catch((error: unknown) => {
        console.error(error);
        process.exit(1);
      });
  });
}
