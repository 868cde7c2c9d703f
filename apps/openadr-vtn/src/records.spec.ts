import { catalog, ContractValidator } from '@flexgrid/contracts';
import type { EventVersion } from '@flexgrid/protocol-openadr';
import {
  eventRecord,
  meterReadingRecord,
  optCancelledRecord,
  optEventResponseRecord,
  optScheduleRecord,
  venStatusRecord,
} from './records';

const validator = new ContractValidator(catalog);

const event: EventVersion = {
  eventId: 'event-1',
  modificationNumber: 1,
  modificationDateTime: Date.UTC(2030, 0, 1),
  createdDateTime: Date.UTC(2029, 11, 31),
  marketContext: 'http://flexgrid.local/programs/default',
  priority: 1,
  testEvent: false,
  responseRequired: 'always',
  start: Date.UTC(2030, 0, 2),
  rampUp: 600,
  signals: [
    {
      id: 'signal-1',
      name: 'ELECTRICITY_PRICE',
      type: 'price',
      units: { item: 'currencyPerKWh', units: 'EUR', scale: 'none' },
      intervals: [
        { duration: 1800, value: 0.25 },
        { duration: 1800, value: 0.3 },
      ],
    },
  ],
  targets: { venIds: ['ven-1'] },
  cancelled: false,
};

const at = Date.UTC(2030, 0, 1, 12);

describe('§11 records against the contract catalog', () => {
  it.each([
    ['openadr.event.modified', eventRecord(event, 'modified')],
    ['openadr.event.cancelled', eventRecord({ ...event, modificationNumber: 2, cancelled: true }, 'cancelled')],
    ['openadr.event.created', eventRecord({ ...event, modificationNumber: 0 }, 'created')],
    [
      'openadr.opt.event-response',
      optEventResponseRecord({
        venId: 'ven-1',
        eventId: 'event-1',
        modificationNumber: 0,
        currentModificationNumber: 1,
        optType: 'optIn',
        responseCode: '200',
        source: 'eiOpt',
        optId: 'opt-1',
        optReason: 'participating',
        resourceIds: ['r1'],
        receivedAt: at,
      }),
    ],
    [
      'openadr.opt.schedule',
      optScheduleRecord(
        'ven-1',
        'opt-2',
        'optOut',
        'x-holiday',
        { kind: 'schedule', periods: [{ start: at, end: at + 3_600_000 }] },
        at,
      ),
    ],
    ['openadr.opt.cancelled', optCancelledRecord('ven-1', 'opt-1', 'event-1', at)],
    [
      'openadr.ven.offline',
      venStatusRecord('offline', {
        venId: 'ven-1',
        venName: 'n',
        registrationId: 'r',
        at,
        lastSeen: at - 31_000,
        pollFreqSeconds: 10,
      }),
    ],
    [
      'meter.reading',
      meterReadingRecord(
        {
          meterId: 'ven-1:power',
          startTime: at,
          endTime: at + 60_000,
          powerW: 1235,
          quality: 'measured',
          source: 'openadr-vtn',
          origin: { venId: 'ven-1', reportRequestId: 'rr', reportSpecifierId: 'spec', rId: 'power' },
        },
        0,
      ),
    ],
  ])('%s validates against its schema', (type, entry) => {
    expect(entry.event.type).toBe(type);
    expect(validator.check(entry.topic, entry.event.type, entry.event.key, entry.event.data)).toEqual({ ok: true });
  });

  it('RP-13 the reading ce_id and EV-10 the event ce_id are natural ids', () => {
    expect(eventRecord(event, 'modified').event.id).toBe('event-1:1');
    expect(
      meterReadingRecord(
        {
          meterId: 'v:r',
          startTime: 5,
          endTime: 6,
          energyWh: 1,
          quality: 'measured',
          source: 'openadr-vtn',
          origin: { venId: 'v', reportRequestId: 'q', reportSpecifierId: 's', rId: 'r' },
        },
        2,
      ).event.id,
    ).toBe('openadr:v:r:5:2');
  });
});
