import { flat, ofType, testCluster } from './cluster.test-util';
import type { ObjectiveEvent, ObjectiveSignal } from './objective';
import { exactly } from '../exact-message.test-util';

const C = 10_000;
function event(overrides: Partial<ObjectiveEvent> & { signals: readonly ObjectiveSignal[] }): ObjectiveEvent {
  return {
    eventId: 'e1',
    modificationNumber: 0,
    priority: 1,
    marketContext: 'http://market.example/1',
    testEvent: false,
    cancelled: false,
    start: 1000,
    ...overrides,
  };
}

const simple = (level: number, start = 1000, durationMs = 1000): ObjectiveSignal => ({
  name: 'SIMPLE',
  type: 'level',
  intervals: [{ start, durationMs, value: level }],
});
const electricityPrice = (type: string, value: number, start = 1000, durationMs = 1000): ObjectiveSignal => ({
  name: 'ELECTRICITY_PRICE',
  type,
  intervals: [{ start, durationMs, value }],
});

function objectiveCluster(settings = {}) {
  const cluster = testCluster({ objective: settings });
  /** The objective agent's bids in the given effects. */
  const bids = (effects: ReturnType<typeof cluster.at>) =>
    ofType(effects, 'bid')
      .filter((e) => e.agentId === 'objective')
      .map((e) => [e.bidNumber, e.demand]);
  return { ...cluster, bids };
}

describe('objective agent (PM-OBJ-1)', () => {
  it('PM-OBJ-1: without objective or event it bids flat 0 as a local agent of the auctioneer', () => {
    const { model, effects, bids } = objectiveCluster();
    expect(effects.map((e) => e.type)).toEqual(['clusterInfo', 'bid', 'bidAccepted']);
    expect(ofType(effects, 'clusterInfo')[0]).toMatchObject({
      agentId: 'objective',
      parentId: 'auctioneer',
      remote: false,
    });
    expect(bids(effects)).toEqual([[1, flat(0)]]);
    expect(model.objectiveStatus()).toEqual({ source: 'none', mode: 'none', demand: flat(0) });
  });

  it('PM-OBJ-1: a SIMPLE event bids its level during its interval, re-evaluated at the boundaries', () => {
    const { model, at, bids } = objectiveCluster();
    expect(model.putObjectiveEvent(event({ signals: [simple(2)] }))).toEqual([]);
    expect(model.nextDueTime()).toBe(0);
    at(0);
    expect(model.nextDueTime()).toBe(1000);
    expect(bids(at(999))).toEqual([]);
    expect(bids(at(1000))).toEqual([[2, flat(2000)]]);
    expect(model.objectiveStatus()).toEqual({ source: 'event', mode: 'flat', demand: flat(2000), eventId: 'e1' });
    expect(bids(at(2000))).toEqual([[3, flat(0)]]);
  });

  it('PM-OBJ-1: the SIMPLE levels come from the settings; an invalid level is ignored', () => {
    const { model, at, bids } = objectiveCluster({ simpleLevelsW: [-5, 10, 20, 30] });
    expect(bids(model.putObjectiveEvent(event({ signals: [simple(3, 0, 0)] })))).toEqual([[2, flat(30)]]);
    // Level 4 does not exist: the event does not apply, so nothing does.
    expect(bids(model.putObjectiveEvent(event({ modificationNumber: 1, signals: [simple(4, 0, 0)] })))).toEqual([
      [3, flat(0)],
    ]);
    expect(bids(model.putObjectiveEvent(event({ modificationNumber: 2, signals: [simple(0, 0, 0)] })))).toEqual([
      [4, flat(-5)],
    ]);
    expect(bids(at(0))).toEqual([]);
  });

  it.each<[string, string, number, number[]]>([
    ['price', 'price', 3, [C, C, -C, -C, -C, -C]],
    ['priceRelative to the mid-range base', 'priceRelative', 1, [C, C, C, -C, -C, -C]],
    ['priceMultiplier of the mid-range base', 'priceMultiplier', 1.6, [C, C, C, C, -C, -C]],
    ['a price above max, clamped', 'price', 99, [C, C, C, C, C, -C]],
    ['a price below min, clamped', 'price', -5, [-C, -C, -C, -C, -C, -C]],
  ])('PM-OBJ-1: ELECTRICITY_PRICE %s', (_, type, value, demand) => {
    const { model, at } = objectiveCluster();
    model.putObjectiveEvent(event({ signals: [electricityPrice(type, value, 0, 0)] }));
    at(0);
    expect(model.objectiveStatus()).toEqual({ source: 'event', mode: 'price', demand, eventId: 'e1' });
  });

  it('PM-OBJ-1: a configured base price and capacity', () => {
    const { model, at } = objectiveCluster({ basePrice: 2, priceCapacityW: 50 });
    model.putObjectiveEvent(event({ signals: [electricityPrice('priceRelative', 4.5, 0, 0)] }));
    at(0);
    expect(model.objectiveStatus()!.demand).toEqual([50, 50, 50, 50, -50, -50]);
  });

  it('PM-OBJ-1: ELECTRICITY_PRICE wins over SIMPLE in one event; other signals are ignored', () => {
    const { model, at } = objectiveCluster();
    model.putObjectiveEvent(
      event({
        signals: [
          { name: 'LOAD_DISPATCH', type: 'setpoint', intervals: [{ start: 0, durationMs: 0, value: 7 }] },
          simple(1, 0, 0),
          electricityPrice('price', 7, 0, 0),
        ],
      }),
    );
    at(0);
    expect(model.objectiveStatus()).toMatchObject({ mode: 'price', demand: [C, C, C, C, -C, -C] });
  });

  it('PM-OBJ-1: among events: lowest non-zero priority, then latest start, highest modificationNumber, lowest eventId', () => {
    const { model, at } = objectiveCluster({ simpleLevelsW: [0, 1, 2, 3] });
    const put = (eventId: string, level: number, fields: Partial<ObjectiveEvent>) =>
      model.putObjectiveEvent(event({ eventId, signals: [simple(level, 0, 0)], ...fields }));
    put('p0', 3, { priority: 0 });
    at(0);
    expect(model.objectiveStatus()!.eventId).toBe('p0');
    put('p2', 2, { priority: 2 });
    at(0);
    expect(model.objectiveStatus()!.eventId).toBe('p2');
    put('p1-early', 1, { priority: 1, start: 0 });
    put('p1-late', 1, { priority: 1, start: 500 });
    at(0);
    expect(model.objectiveStatus()!.eventId).toBe('p1-late');
    put('p1-late-b', 1, { priority: 1, start: 500, modificationNumber: 3 });
    at(0);
    expect(model.objectiveStatus()!.eventId).toBe('p1-late-b');
    put('p1-late-a', 1, { priority: 1, start: 500, modificationNumber: 3 });
    at(0);
    expect(model.objectiveStatus()!.eventId).toBe('p1-late-a');
  });

  it('PM-OBJ-1: cancel and modify reverse at once; a stale modificationNumber is ignored', () => {
    const { model, bids } = objectiveCluster();
    expect(bids(model.putObjectiveEvent(event({ signals: [simple(1, 0, 0)] })))).toEqual([[2, flat(1000)]]);
    const modified = model.putObjectiveEvent(event({ modificationNumber: 2, signals: [simple(3, 0, 0)] }));
    expect(bids(modified)).toEqual([[3, flat(4000)]]);
    expect(model.putObjectiveEvent(event({ modificationNumber: 2, signals: [simple(2, 0, 0)] }))).toEqual([]);
    expect(model.putObjectiveEvent(event({ modificationNumber: 1, signals: [simple(2, 0, 0)] }))).toEqual([]);
    const cancelled = model.putObjectiveEvent(
      event({ modificationNumber: 3, cancelled: true, signals: [simple(3, 0, 0)] }),
    );
    expect(bids(cancelled)).toEqual([[4, flat(0)]]);
    expect(model.objectiveEvents().map((e) => [e.eventId, e.modificationNumber, e.cancelled])).toEqual([
      ['e1', 3, true],
    ]);
  });

  it('PM-OBJ-1: a malformed event is refused and stores nothing', () => {
    const { model, at, bids } = objectiveCluster();
    const broken = {
      ...event({ signals: [simple(1, 0, 0)] }),
      signals: [{ name: 'SIMPLE', type: 'level', intervals: [{ start: 0, value: 1 }] }],
    };
    expect(() => model.putObjectiveEvent(broken as unknown as ObjectiveEvent)).toThrow(
      exactly('Event [e1]: signals must be a list of {name, type, intervals: [{start, durationMs ≥ 0, value}]}'),
    );
    expect(() => model.putObjectiveEvent({ ...event({ signals: [] }), priority: -1 })).toThrow(
      exactly('Event [e1]: priority must be a non-negative integer'),
    );
    expect(() => model.putObjectiveEvent({ signals: [] } as unknown as ObjectiveEvent)).toThrow(
      exactly('An event needs an eventId and an integer modificationNumber'),
    );
    expect(model.objectiveEvents()).toEqual([]);
    expect(bids(model.putObjectiveEvent(event({ signals: [simple(1, 0, 0)] })))).toEqual([[2, flat(1000)]]);
    expect(bids(at(0))).toEqual([]);
  });

  it('PM-OBJ-1: test events only when configured; a configured market context filters events', () => {
    const plain = objectiveCluster();
    plain.model.putObjectiveEvent(event({ testEvent: true, signals: [simple(1, 0, 0)] }));
    expect(plain.model.objectiveStatus()!.source).toBe('none');
    const tests = objectiveCluster({ acceptTestEvents: true, marketContext: 'http://market.example/1' });
    tests.model.putObjectiveEvent(
      event({ eventId: 'other', marketContext: 'http://other', signals: [simple(2, 0, 0)] }),
    );
    expect(tests.model.objectiveStatus()!.source).toBe('none');
    tests.model.putObjectiveEvent(event({ testEvent: true, signals: [simple(1, 0, 0)] }));
    expect(tests.model.objectiveStatus()).toMatchObject({ source: 'event', eventId: 'e1' });
  });

  it('PM-OBJ-1: the operator objective takes precedence until it expires', () => {
    const { model, at, bids } = objectiveCluster();
    model.putObjectiveEvent(event({ signals: [simple(1, 0, 0)] }));
    at(0);
    const set = model.setOperatorObjective({ mode: 'target', netPowerW: 700, until: 5000 });
    expect(bids(set)).toEqual([[3, flat(-700)]]);
    expect(model.objectiveStatus()).toEqual({ source: 'operator', mode: 'target', demand: flat(-700) });
    expect(model.nextDueTime()).toBe(0);
    at(4999);
    expect(bids(at(5000))).toEqual([[4, flat(1000)]]);
    expect(model.objectiveStatus()!.source).toBe('event');
  });

  it('PM-OBJ-1: operator modes and their §3 validation', () => {
    const { model } = objectiveCluster();
    model.setOperatorObjective({ mode: 'flat', demandW: 250 });
    expect(model.objectiveStatus()).toEqual({ source: 'operator', mode: 'flat', demand: flat(250) });
    model.setOperatorObjective({ mode: 'price', price: 5, capacityW: 100 });
    expect(model.objectiveStatus()!.demand).toEqual([100, 100, 100, -100, -100, -100]);
    model.setOperatorObjective({ mode: 'curve', demand: [3, 2, 1, 0, -1, -2] });
    expect(model.objectiveStatus()!.demand).toEqual([3, 2, 1, 0, -1, -2]);
    model.setOperatorObjective({
      mode: 'curve',
      pricePoints: [
        { price: 3, demand: 500 },
        { price: 7, demand: -500 },
      ],
    });
    expect(model.objectiveStatus()!.demand).toEqual([500, 500, 250, -250, -500, -500]);
    expect(() => model.setOperatorObjective({ mode: 'flat', demandW: NaN })).toThrow(
      exactly('Demand at index 0 is not a finite number'),
    );
    expect(() => model.setOperatorObjective({ mode: 'flat', demandW: 2e12 })).toThrow(
      exactly('Demand at index 0 is out of range'),
    );
    expect(() => model.setOperatorObjective({ mode: 'curve', demand: [1, 2, 3, 4, 5, 6] })).toThrow(
      exactly('The demand can not be ascending'),
    );
    expect(() => model.setOperatorObjective({ mode: 'price', price: 11, capacityW: 1 })).toThrow(
      exactly('Price 11.0 is out of bounds [0.0, 10.0]'),
    );
    expect(() => model.setOperatorObjective({ mode: 'curve', pricePoints: [] })).toThrow(
      exactly('A point bid needs at least one price point'),
    );
    expect(model.objectiveStatus()!.demand).toEqual([500, 500, 250, -250, -500, -500]);
    model.setOperatorObjective({ mode: 'none' });
    expect(model.objectiveStatus()!.source).toBe('none');
  });

  it('PM-OBJ-1: an event stored before start-up resumes', () => {
    const { model } = testCluster({ objective: { events: [event({ signals: [simple(2, 0, 0)] })] } });
    expect(model.objectiveStatus()).toMatchObject({ source: 'event', demand: flat(2000) });
  });
});
