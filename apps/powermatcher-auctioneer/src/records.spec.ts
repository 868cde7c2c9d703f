import { catalog, ContractValidator } from '@flexgrid/contracts';
import type { OutgoingEvent } from '@flexgrid/platform-kafka';
import { marketBasis } from '@flexgrid/protocol-powermatcher';
import { objectiveEventOf } from './bus/openadr-events';
import { BIDS_TOPIC, bidAcceptedRecord, bidAggregatedRecord, PRICES_TOPIC, pricePublishedRecord } from './records';

const validator = new ContractValidator(catalog);
const basis = marketBasis({
  commodity: 'electricity',
  currency: 'EUR',
  priceSteps: 3,
  minimumPrice: 0,
  maximumPrice: 10,
});
const t = Date.parse('2030-05-01T12:00:00.120Z');

function check(topic: string, record: OutgoingEvent) {
  return validator.check(topic, record.type, record.key, record.data);
}

describe('Kafka records (PM-SVC-1) against the contract catalog', () => {
  it('PM-SVC-1: powermatcher.bid.accepted, with and without price points', () => {
    const effect = {
      type: 'bidAccepted',
      t,
      agentId: 'pv-roof-1',
      parentId: 'auctioneer',
      sessionId: '0b6f3a5e-8f5c-4c1b-9a0e-6d2f3c4b5a69',
      bidNumber: 12,
      demand: [2500, 1.2e-4, -120.5],
    } as const;
    const plain = bidAcceptedRecord('demo', basis, effect);
    expect(check(BIDS_TOPIC, plain)).toEqual({ ok: true });
    expect(plain.data.receivedAt).toBe('2030-05-01T12:00:00.120Z');
    const points = bidAcceptedRecord('demo', basis, effect, [{ price: 1, demand: 2500 }]);
    expect(check(BIDS_TOPIC, points)).toEqual({ ok: true });
  });

  it('PM-SVC-1: powermatcher.bid.aggregated of a concentrator run with its sent bid, and of a suppressed one', () => {
    const run = {
      type: 'aggregated',
      t,
      matcherId: 'street',
      run: 7,
      demand: [2500, 1.2e-4, -120.5],
      changes: [],
    } as const;
    const sent = {
      type: 'bid',
      t,
      agentId: 'street',
      parentId: 'auctioneer',
      sessionId: 's',
      bidNumber: 3,
      demand: [2500, 1.2e-4, -120.5],
      remote: false,
    } as const;
    const references = new Map([['pv-roof-1', 12]]);
    const record = bidAggregatedRecord('demo', run, references, sent);
    expect(check(BIDS_TOPIC, record)).toEqual({ ok: true });
    expect(record.data).toMatchObject({ agentBidReferences: { 'pv-roof-1': 12 }, sentBidNumber: 3 });
    expect(check(BIDS_TOPIC, bidAggregatedRecord('demo', run, references, undefined))).toEqual({ ok: true });
  });

  it('PM-SVC-1: powermatcher.price.published, its id <clusterId>:<round>', () => {
    const round = { type: 'round', t, clusterId: 'demo', round: 7, price: 5.000004979248153, priceIndex: 1 } as const;
    const record = pricePublishedRecord(basis, round, new Map([['pv-roof-1', 12]]));
    expect(check(PRICES_TOPIC, record)).toEqual({ ok: true });
    expect(record.id).toBe('demo:7');
  });

  it('PM-OBJ-1: an openadr.events record becomes the objective event the lib reads', () => {
    expect(
      objectiveEventOf({
        eventId: 'e1',
        modificationNumber: 2,
        modificationDateTime: '2030-05-01T12:00:00Z',
        createdDateTime: '2030-05-01T12:00:00Z',
        marketContext: 'http://flexgrid.example/market',
        priority: 0,
        testEvent: false,
        responseRequired: 'always',
        cancelled: false,
        activePeriod: {
          start: '2030-05-01T13:00:00Z',
          durationSeconds: 600,
          rampUpSeconds: 0,
          recoverySeconds: 0,
          notificationSeconds: 0,
          startAfterSeconds: 0,
        },
        signals: [
          {
            signalId: 's1',
            name: 'ELECTRICITY_PRICE',
            type: 'price',
            intervals: [{ uid: 0, start: '2030-05-01T13:00:00Z', durationSeconds: 600, value: 0.25 }],
          },
        ],
        targets: { all: true },
      }),
    ).toEqual({
      eventId: 'e1',
      modificationNumber: 2,
      priority: 0,
      marketContext: 'http://flexgrid.example/market',
      testEvent: false,
      cancelled: false,
      start: Date.parse('2030-05-01T13:00:00Z'),
      signals: [
        {
          name: 'ELECTRICITY_PRICE',
          type: 'price',
          intervals: [{ start: Date.parse('2030-05-01T13:00:00Z'), durationMs: 600_000, value: 0.25 }],
        },
      ],
    });
  });
});
