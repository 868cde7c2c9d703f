import { readOadrPayload } from '../message';
import { writeOadrPayload } from '../payloads/oadr-payload';
import { xmllintValidate } from '../testing/oadr-xsd.test-util';
import { checkEventContent } from './content-rules';
import { type EventVersion, eventDuration } from './model';
import { distributeEvents, renderOadrEvent, renderTargets } from './render';
import { currentValue, distributionOrder, eventStatus, inFullState } from './status';
import { targetsVen } from './targeting';

const at = (time: string): number => Date.parse(`2030-05-01T${time}Z`);
const MINUTE = 60;

/** The §5.3 example: S = 12:00, D = PT1H (two intervals), R = PT10M, C = PT15M. */
const example: EventVersion = {
  eventId: 'event-1',
  modificationNumber: 0,
  createdDateTime: at('10:00:00.000'),
  marketContext: 'http://flexgrid.local/programs/default',
  priority: 0,
  testEvent: false,
  responseRequired: 'always',
  start: at('12:00:00.000'),
  rampUp: 10 * MINUTE,
  recovery: 15 * MINUTE,
  signals: [
    {
      id: 'signal-1',
      name: 'SIMPLE',
      type: 'level',
      intervals: [
        { duration: 30 * MINUTE, value: 1 },
        { duration: 30 * MINUTE, value: 2 },
      ],
    },
  ],
  targets: { venIds: ['ven-a'] },
  cancelled: false,
};

const openEnded: EventVersion = {
  ...example,
  eventId: 'open',
  signals: [
    {
      id: 's',
      name: 'LOAD_DISPATCH',
      type: 'delta',
      intervals: [
        { duration: 30 * MINUTE, value: -5 },
        { duration: 0, value: -10 },
      ],
    },
  ],
};

describe('§5.3 status, exact to the millisecond', () => {
  // Each boundary of the example: ramp-up start S − R, start S, end of the intervals S + D, end of recovery S + D + C.
  it.each([
    ['11:49:59.999', 'far'],
    ['11:50:00.000', 'near'],
    ['11:50:00.001', 'near'],
    ['11:59:59.999', 'near'],
    ['12:00:00.000', 'active'],
    ['12:00:00.001', 'active'],
    ['12:59:59.999', 'active'],
    ['13:00:00.000', 'active'],
    ['13:00:00.001', 'active'],
    ['13:14:59.999', 'active'],
    ['13:15:00.000', 'completed'],
    ['13:15:00.001', 'completed'],
  ])('EV-6: at %s the example event is %s; cancelled, it is cancelled then', (time, status) => {
    expect(eventStatus(example, at(time))).toBe(status);
    expect(eventStatus({ ...example, cancelled: true }, at(time))).toBe('cancelled');
  });

  it('EV-6: without ramp-up there is no near; without recovery the event ends at S + D', () => {
    for (const plain of [
      { ...example, rampUp: undefined, recovery: undefined },
      { ...example, rampUp: 0, recovery: 0 },
    ]) {
      expect(
        ['11:59:59.999', '12:00:00.000', '12:59:59.999', '13:00:00.000'].map((time) => eventStatus(plain, at(time))),
      ).toEqual(['far', 'active', 'active', 'completed']);
    }
  });

  it('EV-6: notification and startAfter do not change the status', () => {
    const noticed = { ...example, notification: 86_400, startAfter: 600 };
    for (const time of ['11:49:59.999', '11:50:00.000', '12:00:00.000', '13:15:00.000'])
      expect(eventStatus(noticed, at(time))).toBe(eventStatus(example, at(time)));
  });

  it('EV-6: an open-ended event (last interval PT0S) never completes; a cancelled one is cancelled at any time', () => {
    expect(eventDuration(openEnded)).toBe(0);
    expect(eventStatus(openEnded, Date.parse('2099-01-01T00:00:00Z'))).toBe('active');
    expect(eventStatus({ ...example, cancelled: true }, at('12:30:00.000'))).toBe('cancelled');
  });
});

describe('EV-7 currentValue', () => {
  const signal = example.signals[0]!;
  it.each([
    ['11:59:59.999', 0],
    ['12:00:00.000', 1],
    ['12:29:59.999', 1],
    ['12:30:00.000', 2],
    ['12:59:59.999', 2],
    ['13:00:00.000', 0],
    ['13:14:59.999', 0],
    ['13:15:00.000', 0],
  ])('EV-7: at %s the value is %d (0 outside intervals and during recovery)', (time, value) => {
    expect(currentValue(example, signal, at(time))).toBe(value);
  });

  it('EV-7: an open-ended last interval has no end; a cancelled event has value 0', () => {
    expect(currentValue(openEnded, openEnded.signals[0]!, Date.parse('2031-01-01T00:00:00Z'))).toBe(-10);
    expect(currentValue({ ...example, cancelled: true }, signal, at('12:10:00.000'))).toBe(0);
  });
});

describe('EV-1 content rules', () => {
  const now = at('11:00:00.000');
  const pointers = (event: EventVersion, t = now): string[] => checkEventContent(event, t).errors.map((e) => e.pointer);

  it('EV-1: the example is acceptable, with no warnings', () => {
    expect(checkEventContent(example, now)).toEqual({ errors: [], warnings: [] });
  });

  it('EV-1: interval durations are whole seconds > 0; only the last may be PT0S, and then in every signal', () => {
    const zeroFirst = {
      ...example,
      signals: [
        {
          ...example.signals[0]!,
          intervals: [
            { duration: 0, value: 1 },
            { duration: 60, value: 1 },
          ],
        },
      ],
    };
    expect(pointers(zeroFirst)).toContain('/signals/0/intervals/0/duration');
    expect(
      pointers({ ...example, signals: [{ ...example.signals[0]!, intervals: [{ duration: 1.5, value: 1 }] }] }),
    ).toContain('/signals/0/intervals/0/duration');
    const mixed = {
      ...openEnded,
      signals: [
        openEnded.signals[0]!,
        {
          id: 's2',
          name: 'LOAD_DISPATCH' as const,
          type: 'delta' as const,
          intervals: [{ duration: 30 * MINUTE, value: 1 }],
        },
      ],
    };
    expect(pointers(mixed)).toContain('/signals');
    expect(pointers(openEnded)).toEqual([]);
  });

  it('EV-1: all signals have the same total duration', () => {
    const uneven = {
      ...example,
      signals: [
        ...example.signals,
        {
          id: 'signal-2',
          name: 'ELECTRICITY_PRICE' as const,
          type: 'price' as const,
          intervals: [{ duration: 1800, value: 0.2 }],
        },
      ],
    };
    expect(checkEventContent(uneven, now).errors).toEqual([
      { pointer: '/signals', message: 'all signals must have the same total duration' },
    ]);
  });

  it('EV-1: SIMPLE needs type level and levels 0 to 3', () => {
    expect(pointers({ ...example, signals: [{ ...example.signals[0]!, type: 'price' }] })).toEqual(['/signals/0/type']);
    expect(
      pointers({ ...example, signals: [{ ...example.signals[0]!, intervals: [{ duration: 3600, value: 4 }] }] }),
    ).toEqual(['/signals/0/intervals/0/value']);
  });

  it('EV-1: an event whose end (S + D + recovery) is past is refused; open-ended ones never are', () => {
    expect(pointers(example, at('13:14:59.999'))).toEqual([]);
    expect(pointers(example, at('13:15:00.000'))).toEqual(['/start']);
    expect(pointers(openEnded, Date.parse('2040-01-01T00:00:00Z'))).toEqual([]);
  });

  it('EV-1: unusual name/type pairs are accepted with a warning', () => {
    const check = checkEventContent(
      {
        ...example,
        signals: [{ id: 's', name: 'ELECTRICITY_PRICE', type: 'level', intervals: [{ duration: 3600, value: 3 }] }],
      },
      now,
    );
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.pointer)).toEqual(['/signals/0/type']);
    expect(
      checkEventContent(
        {
          ...example,
          signals: [{ id: 's', name: 'x-custom', type: 'level', intervals: [{ duration: 3600, value: 9 }] }],
        },
        now,
      ).warnings,
    ).toEqual([]);
  });

  it('§5.1: 1-16 signals with unique ids, 1-2000 intervals, finite values, non-empty targets', () => {
    const signal = example.signals[0]!;
    expect(pointers({ ...example, signals: [] })).toContain('/signals');
    expect(
      pointers({ ...example, signals: Array.from({ length: 17 }, (_, i) => ({ ...signal, id: `s${i}` })) }),
    ).toContain('/signals');
    expect(pointers({ ...example, signals: [signal, signal] })).toEqual(['/signals/1/id']);
    expect(
      pointers({
        ...example,
        signals: [{ ...signal, intervals: Array.from({ length: 2001 }, () => ({ duration: 1, value: 1 })) }],
      }),
    ).toContain('/signals/0/intervals');
    expect(
      pointers({
        ...example,
        signals: [{ ...signal, name: 'x-a', intervals: [{ duration: 3600, value: Number.NaN }] }],
      }),
    ).toContain('/signals/0/intervals/0/value');
    expect(pointers({ ...example, targets: {} })).toEqual(['/targets']);
    expect(pointers({ ...example, targets: { all: true } })).toEqual([]);
    expect(pointers({ ...example, rampUp: -1 })).toContain('/rampUp');
  });

  it('§5.1 / ID-3 / XW-3: eventId and signal ids are operator IDs, extension names XSD tokens, the market context an absolute URI, priority 0…2³²−1, text XML can carry', () => {
    const signal = example.signals[0]!;
    expect(pointers({ ...example, eventId: '123' })).toEqual(['/eventId']);
    expect(pointers({ ...example, eventId: '4e9a6b2c-1d3f-4a5b-8c7d-9e0f1a2b3c4d' })).toEqual([]);
    expect(pointers({ ...example, signals: [{ ...signal, id: 'true' }] })).toEqual(['/signals/0/id']);
    expect(pointers({ ...example, signals: [{ ...signal, name: 'x- custom', type: 'level' }] })).toEqual([
      '/signals/0/name',
    ]);
    for (const marketContext of ['programs/default', 'http://a b', 'http://[bad', 'urn:x\u0001'])
      expect(pointers({ ...example, marketContext })).toEqual(['/marketContext']);
    expect(pointers({ ...example, marketContext: 'urn:flexgrid:programs:default' })).toEqual([]);
    expect(pointers({ ...example, priority: 2 ** 32 })).toEqual(['/priority']);
    expect(pointers({ ...example, priority: 1.5 })).toEqual(['/priority']);
    expect(pointers({ ...example, priority: 4_294_967_295, vtnComment: 'c'.repeat(1024) })).toEqual([]);
    expect(pointers({ ...example, vtnComment: 'c'.repeat(1025) })).toEqual(['/vtnComment']);
    expect(pointers({ ...example, vtnComment: 'bell\u0007' })).toEqual(['/vtnComment']);
    expect(pointers({ ...example, modificationReason: '\uD800' })).toEqual(['/modificationReason']);
  });
});

describe('EV-14 order', () => {
  const event = (id: string, start: string, priority: number): EventVersion => ({
    ...example,
    eventId: id,
    start: at(start),
    priority,
  });

  it('EV-14: active events first by (priority, start, id), priority 0 last; then the others by (start, priority, id)', () => {
    const events = [
      event('f2', '14:00:00.000', 0),
      event('f1', '14:00:00.000', 2),
      event('f0', '14:00:00.000', 1),
      event('a-zero', '11:00:00.000', 0),
      event('a-two', '11:30:00.000', 2),
      event('a-one-late', '11:40:00.000', 1),
      event('a-one-early', '11:20:00.000', 1),
      event('b-one-early', '11:20:00.000', 1),
      event('g', '13:00:00.000', 0),
    ];
    expect(distributionOrder(events, at('11:45:00.000')).map((e) => e.eventId)).toEqual([
      'a-one-early',
      'b-one-early',
      'a-one-late',
      'a-two',
      'a-zero',
      'g',
      'f0',
      'f1',
      'f2',
    ]);
  });
});

describe('EV-4 / EV-5 targets', () => {
  const ven = { venId: 'ven-a', groups: ['g1'], partyId: 'p1', resources: ['r1'] };

  it('EV-4: a VEN matches by all, venID, group, party or resource; a report-only VEN never', () => {
    expect(targetsVen({ all: true }, ven)).toBe(true);
    expect(targetsVen({ venIds: ['ven-a'] }, ven)).toBe(true);
    expect(targetsVen({ groupIds: ['g1'] }, ven)).toBe(true);
    expect(targetsVen({ partyIds: ['p1'] }, ven)).toBe(true);
    expect(targetsVen({ resourceIds: ['r1'] }, ven)).toBe(true);
    expect(targetsVen({ venIds: ['ven-b'], groupIds: ['g2'], partyIds: ['p2'], resourceIds: ['r2'] }, ven)).toBe(false);
    expect(targetsVen({ all: true }, { ...ven, reportOnly: true })).toBe(false);
  });

  it('EV-5: groupID, resourceID, venID, partyID in that order; all names only the receiving VEN', () => {
    expect(
      renderTargets(
        { ...example, targets: { partyIds: ['p'], venIds: ['v'], resourceIds: ['r'], groupIds: ['g'] } },
        'ven-a',
      ),
    ).toEqual({ groupID: ['g'], resourceID: ['r'], venID: ['v'], partyID: ['p'] });
    expect(renderTargets({ ...example, targets: { all: true } }, 'ven-a')).toEqual({ venID: ['ven-a'] });
  });
});

describe('EV-12 full state', () => {
  const delivered = { matched: true, received: true, cancellationAcknowledged: false };
  const retention = 86_400;

  it('EV-12: matched events are in the full state until completed', () => {
    expect(inFullState(example, at('13:14:59.999'), { ...delivered, received: false }, retention)).toBe(true);
    expect(inFullState(example, at('13:15:00.000'), delivered, retention)).toBe(false);
    expect(inFullState(example, at('12:00:00.000'), { ...delivered, matched: false, received: false }, retention)).toBe(
      false,
    );
  });

  it('EV-12: a cancelled or withdrawn event stays only for a VEN that received it, until acknowledged, within retention and the event end', () => {
    const cancelled = { ...example, cancelled: true };
    const state = { ...delivered, cancelledAt: at('11:00:00.000') };
    expect(inFullState(cancelled, at('12:00:00.000'), state, retention)).toBe(true);
    expect(inFullState(cancelled, at('12:00:00.000'), { ...state, received: false }, retention)).toBe(false);
    expect(inFullState(cancelled, at('12:00:00.000'), { ...state, cancellationAcknowledged: true }, retention)).toBe(
      false,
    );
    expect(inFullState(cancelled, at('11:59:59.999'), state, 3599)).toBe(false);
    expect(inFullState(cancelled, at('13:14:59.999'), state, retention)).toBe(true);
    expect(inFullState(cancelled, at('13:15:00.000'), state, retention)).toBe(false);
    expect(inFullState(example, at('12:00:00.000'), { ...state, matched: false }, retention)).toBe(true);
  });
});

describe('EV-15 / EV-16 oadrDistributeEvent', () => {
  const now = at('12:40:00.000');
  const priced: EventVersion = {
    ...example,
    eventId: 'price-1',
    modificationNumber: 2,
    modificationDateTime: at('11:00:00.000'),
    modificationReason: 'price update',
    priority: 1,
    testEvent: true,
    vtnComment: 'peak',
    notification: 3600,
    startAfter: 120,
    start: at('13:00:00.000'),
    signals: [
      {
        id: 'p',
        name: 'ELECTRICITY_PRICE',
        type: 'price',
        units: { item: 'currencyPerKWh', units: 'EUR', scale: 'none' },
        intervals: [
          { duration: 1800, value: 0.25 },
          { duration: 1800, value: 0.3 },
        ],
      },
      {
        id: 'w',
        name: 'LOAD_DISPATCH',
        type: 'setpoint',
        units: { item: 'powerReal', units: 'W', scale: 'k', hertz: 50, voltage: 230, ac: true },
        intervals: [{ duration: 3600, value: 5 }],
      },
      {
        id: 'e',
        name: 'BID_ENERGY',
        type: 'setpoint',
        units: { item: 'energyReal', units: 'Wh' },
        intervals: [{ duration: 3600, value: 7 }],
      },
      {
        id: 'c',
        name: 'x-custom',
        type: 'level',
        units: { item: 'customUnit', description: 'steps', units: 'step' },
        intervals: [{ duration: 3600, value: 1 }],
      },
    ],
    targets: { all: true },
  };

  it('EV-15: the rendered event carries status, active period parts only when > 0, uid 0…n−1, no interval dtstart, itemBase and currentValue', () => {
    const rendered = renderOadrEvent(example, { venId: 'ven-a', now });
    const descriptor = rendered.eiEvent.eventDescriptor;
    expect(descriptor).toEqual({
      eventID: 'event-1',
      modificationNumber: 0,
      priority: 0,
      marketContext: example.marketContext,
      createdDateTime: example.createdDateTime,
      eventStatus: 'active',
      testEvent: false,
    });
    expect(rendered.eiEvent.eiActivePeriod).toEqual({
      dtstart: at('12:00:00.000'),
      duration: 3600,
      rampUp: 600,
      recovery: 900,
    });
    const [signal] = rendered.eiEvent.eiEventSignals.eiEventSignal;
    expect(signal?.intervals).toEqual([
      {
        duration: 1800,
        uid: '0',
        payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '1' } }],
      },
      {
        duration: 1800,
        uid: '1',
        payloads: [{ type: 'signalPayload', payloadBase: { type: 'payloadFloat', value: '2' } }],
      },
    ]);
    expect(signal?.currentValue).toBe('2');
    expect(rendered.oadrResponseRequired).toBe('always');
    expect(renderOadrEvent(priced, { venId: 'ven-a', now }).eiEvent.eiActivePeriod).toEqual({
      dtstart: at('13:00:00.000'),
      duration: 3600,
      tolerance: { startafter: 120 },
      notification: 3600,
      rampUp: 600,
      recovery: 900,
    });
    expect(
      renderOadrEvent(priced, { venId: 'ven-a', now }).eiEvent.eiEventSignals.eiEventSignal.map((s) => s.itemBase),
    ).toEqual([
      { type: 'currencyPerKWh', itemDescription: 'currencyPerKWh', itemUnits: 'EUR', siScaleCode: 'none' },
      {
        type: 'powerReal',
        itemDescription: 'RealPower',
        itemUnits: 'W',
        siScaleCode: 'k',
        powerAttributes: { hertz: '50', voltage: '230', ac: true },
      },
      { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'none' },
      { type: 'customUnit', itemDescription: 'steps', itemUnits: 'step', siScaleCode: 'none' },
    ]);
  });

  it('EV-11: a withdrawn VEN sees the event as cancelled', () => {
    expect(renderOadrEvent(example, { venId: 'ven-a', now, withdrawn: true }).eiEvent.eventDescriptor.eventStatus).toBe(
      'cancelled',
    );
  });

  it('EV-15: eiResponse echoes the request (empty by poll), a fresh requestID, vtnID, events in EV-14 order', () => {
    const answer = distributeEvents([priced, example], {
      venId: 'ven-a',
      vtnId: 'FlexgridVTN',
      now,
      requestID: 'fresh-1',
      answering: 'req-9',
    });
    expect(answer.eiResponse).toEqual({ responseCode: '200', responseDescription: 'OK', requestID: 'req-9' });
    expect(answer.requestID).toBe('fresh-1');
    expect(answer.oadrEvent?.map((e) => e.eiEvent.eventDescriptor.eventID)).toEqual(['event-1', 'price-1']);
    expect(distributeEvents([], { venId: 'ven-a', vtnId: 'FlexgridVTN', now, requestID: 'fresh-2' })).toEqual({
      type: 'oadrDistributeEvent',
      eiResponse: { responseCode: '200', responseDescription: 'OK', requestID: '' },
      requestID: 'fresh-2',
      vtnID: 'FlexgridVTN',
    });
  });

  it('EV-16: replyLimit keeps the first events in EV-14 order; 0 or absent keeps all', () => {
    const options = { venId: 'ven-a', vtnId: 'FlexgridVTN', now, requestID: 'r' };
    const ids = (replyLimit?: number): string[] | undefined =>
      distributeEvents([priced, openEnded, example], { ...options, replyLimit }).oadrEvent?.map(
        (e) => e.eiEvent.eventDescriptor.eventID,
      );
    expect(ids(1)).toEqual(['event-1']);
    expect(ids(2)).toEqual(['event-1', 'open']);
    expect(ids(0)).toEqual(['event-1', 'open', 'price-1']);
    expect(ids(undefined)).toEqual(ids(0));
    expect(ids(5)).toEqual(ids(0));
  });

  it('XW-4: rendered distributes validate against the XSD and read back as rendered', async () => {
    const answers = [now, at('11:55:00.000'), at('13:20:00.000')].map((t) =>
      distributeEvents([priced, example, openEnded, { ...example, eventId: 'gone', cancelled: true }], {
        venId: 'ven-a',
        vtnId: 'FlexgridVTN',
        now: t,
        requestID: 'r',
        withdrawn: new Set(['open']),
      }),
    );
    const written = answers.map(writeOadrPayload);
    const verdicts = await xmllintValidate(written);
    expect(verdicts.map((v) => v.errors)).toEqual(['', '', '']);
    expect(verdicts.every((v) => v.valid)).toBe(true);
    const back = readOadrPayload(written[0] ?? '');
    expect(back.ok && back.message.payload).toEqual(answers[0]);
  });
});
