/**
 * tools/bench/openadr: the OpenADR 2.0b lib (libs/protocols/openadr) on one core, as issue 14 asks.
 *
 *   npx nx run bench:openadr
 *
 * 1. oadrPoll round trip: read an openleadr-style oadrPoll from its bytes (decode, well-formedness and caps,
 *    XSD validation, typed payload) and write the empty oadrResponse it is answered with (RID-2).
 *    Target ≥ 30 000 per second.
 * 2. Read an openleadr-style oadrCreatedEvent (two eventResponses) the same way.
 * 3. Write an oadrDistributeEvent with one event of 3 intervals (typed payload → XML).
 *    Target ≥ 10 000 per second. Also shown: rendering that event for a VEN at an instant and writing it,
 *    as the VTN does on every delivery (EV-15).
 * Prints a table and writes tmp/bench/openadr.json.
 */
import {
  distributeEvents,
  eiResponse,
  type EventVersion,
  type OadrDistributeEvent,
  readOadrPayload,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';
import { Bench } from 'tinybench';
import { machine, runBenchmark, writeResult } from './report';

const encoder = new TextEncoder();

/** The envelope openleadr-python 0.5.x puts around a flattened signed object. */
function openleadr(signedObject: string): Uint8Array {
  return encoder.encode(
    `<?xml version="1.0" encoding="utf-8"?>\n<oadrPayload xmlns="http://openadr.org/oadr-2.0b/2012/07">\n${signedObject}\n</oadrPayload>`,
  );
}

const POLL = openleadr(
  '<oadr:oadrSignedObject xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" oadr:Id="oadrSignedObject" xmlns:xs="http://www.w3.org/2001/XMLSchema">' +
    '<oadr:oadrPoll ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><ei:venID>4e9a6b2c-1d3f-4a5b-8c7d-9e0f1a2b3c4d</ei:venID></oadr:oadrPoll></oadr:oadrSignedObject>',
);

const eventResponse = (eventId: string, optType: string): string =>
  '<ei:eventResponse><ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription>' +
  '<requestID xmlns="http://docs.oasis-open.org/ns/energyinterop/201110/payloads">6f1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d</requestID>' +
  `<ei:qualifiedEventID><ei:eventID>${eventId}</ei:eventID><ei:modificationNumber>0</ei:modificationNumber></ei:qualifiedEventID><ei:optType>${optType}</ei:optType></ei:eventResponse>`;

const CREATED_EVENT = openleadr(
  '<oadr:oadrSignedObject xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" oadr:Id="oadrSignedObject"><oadr:oadrCreatedEvent ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110">' +
    '<eiCreatedEvent xmlns="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><ei:eiResponse><ei:responseCode>200</ei:responseCode><ei:responseDescription>OK</ei:responseDescription>' +
    '<requestID xmlns="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"></requestID></ei:eiResponse><ei:eventResponses>' +
    eventResponse('0f1e2d3c-4b5a-4968-8776-655443322110', 'optIn') +
    eventResponse('1a2b3c4d-5e6f-4708-8192-a3b4c5d6e7f8', 'optOut') +
    '</ei:eventResponses><ei:venID>4e9a6b2c-1d3f-4a5b-8c7d-9e0f1a2b3c4d</ei:venID></eiCreatedEvent></oadr:oadrCreatedEvent></oadr:oadrSignedObject>',
);

const START = Date.parse('2030-05-01T12:00:00Z');
const EVENT: EventVersion = {
  eventId: '0f1e2d3c-4b5a-4968-8776-655443322110',
  modificationNumber: 0,
  createdDateTime: START - 3_600_000,
  marketContext: 'http://flexgrid.local/programs/default',
  priority: 0,
  testEvent: false,
  responseRequired: 'always',
  start: START,
  rampUp: 600,
  signals: [
    {
      id: '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
      name: 'SIMPLE',
      type: 'level',
      intervals: [
        { duration: 1800, value: 1 },
        { duration: 1800, value: 2 },
        { duration: 1800, value: 1 },
      ],
    },
  ],
  targets: { venIds: ['4e9a6b2c-1d3f-4a5b-8c7d-9e0f1a2b3c4d'] },
  cancelled: false,
};
const DELIVERY = {
  venId: '4e9a6b2c-1d3f-4a5b-8c7d-9e0f1a2b3c4d',
  vtnId: 'FlexgridVTN',
  requestID: '9c8b7a6f-5e4d-4c3b-8a29-187665544332',
};
const DISTRIBUTE: OadrDistributeEvent = distributeEvents([EVENT], { ...DELIVERY, now: START - 1_800_000 });

function pollRoundTrip(): string {
  const read = readOadrPayload(POLL, { charset: 'utf-8' });
  if (!read.ok || read.message.payload.type !== 'oadrPoll') throw new Error('the poll did not read');
  return writeOadrPayload({
    type: 'oadrResponse',
    eiResponse: eiResponse('OK', ''),
    venID: read.message.payload.venID,
  });
}

function readCreatedEvent(): number {
  const read = readOadrPayload(CREATED_EVENT, { charset: 'utf-8' });
  if (!read.ok || read.message.payload.type !== 'oadrCreatedEvent')
    throw new Error('the oadrCreatedEvent did not read');
  return read.message.payload.eventResponses?.length ?? 0;
}

interface Row {
  readonly scenario: string;
  readonly bytes: number;
  readonly perSecond: number;
  readonly meanUs: number;
  readonly p99Us: number | null;
  readonly target: number | null;
}

async function main(): Promise<void> {
  // Sanity: the scenarios do what they claim before they are timed.
  const answer = pollRoundTrip();
  if (!readOadrPayload(answer).ok || readCreatedEvent() !== 2 || !readOadrPayload(writeOadrPayload(DISTRIBUTE)).ok)
    throw new Error('a scenario is broken');
  const distributeBytes = writeOadrPayload(DISTRIBUTE).length;

  const scenarios: readonly { name: string; run: () => unknown; bytes: number; target: number | null }[] = [
    {
      name: 'oadrPoll: read + validate, write the empty oadrResponse',
      run: pollRoundTrip,
      bytes: POLL.length,
      target: 30_000,
    },
    { name: 'oadrCreatedEvent: read + validate', run: readCreatedEvent, bytes: CREATED_EVENT.length, target: null },
    {
      name: 'oadrDistributeEvent (1 event, 3 intervals): write',
      run: () => writeOadrPayload(DISTRIBUTE),
      bytes: distributeBytes,
      target: 10_000,
    },
    {
      name: 'oadrDistributeEvent (1 event, 3 intervals): render for a VEN + write',
      run: () => writeOadrPayload(distributeEvents([EVENT], { ...DELIVERY, now: START - 1_800_000 })),
      bytes: distributeBytes,
      target: null,
    },
  ];
  const bench = new Bench({ time: 3000, warmupTime: 500 });
  for (const scenario of scenarios) bench.add(scenario.name, scenario.run);
  console.log('running (3 s per scenario, one core)…');
  await bench.run();

  const rows: Row[] = scenarios.map(({ name, bytes, target }) => {
    const result = bench.getTask(name)?.result;
    if (!result || result.error) throw result?.error ?? new Error(`${name} did not run`);
    return {
      scenario: name,
      bytes,
      perSecond: Math.round(result.throughput.mean),
      meanUs: result.latency.mean * 1000,
      p99Us: result.latency.p99 === undefined ? null : result.latency.p99 * 1000,
      target,
    };
  });

  console.table(
    rows.map((row) => ({
      scenario: row.scenario,
      'message bytes': row.bytes,
      'per s': row.perSecond,
      'mean µs': row.meanUs.toFixed(1),
      'p99 µs': row.p99Us?.toFixed(1) ?? '',
      'target per s': row.target ?? '',
      met: row.target === null ? '' : row.perSecond >= row.target ? 'yes' : 'NO',
    })),
  );
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    note: 'one core; other work on the machine makes figures noisy',
    rows,
  };
  writeResult('openadr', result);
}

runBenchmark(main);
