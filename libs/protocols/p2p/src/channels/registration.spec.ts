import { activeAt, activeWithin, Registry } from './registration';

describe('registrations and activity (P2P-AG1, P2P-S1, §12)', () => {
  it('expected = active at any time within the interval; deregistration ends it; re-registration re-activates', () => {
    const registry = new Registry<'consumer' | 'producer'>();
    registry.register('FLAT00001', 'consumer', 1000);
    registry.deregister('FLAT00001', 5000);
    expect(registry.activeWithin('consumer', { start: 0, end: 1000 })).toEqual([]);
    expect(registry.activeWithin('consumer', { start: 0, end: 1001 })).toEqual(['FLAT00001']);
    expect(registry.activeWithin('consumer', { start: 4999, end: 6000 })).toEqual(['FLAT00001']);
    expect(registry.activeWithin('consumer', { start: 5000, end: 6000 })).toEqual([]);
    expect(registry.boundTo('FLAT00001')).toBeUndefined();
    registry.register('FLAT00001', 'consumer', 9000);
    const periods = registry.get('FLAT00001')?.periods ?? [];
    expect(periods).toEqual([
      { from: 1000, until: 5000 },
      { from: 9000, until: null },
    ]);
    expect([
      activeAt(periods, 7000),
      activeAt(periods, 9000),
      activeWithin(periods, { start: 6000, end: 9001 }),
    ]).toEqual([false, true, true]);
    expect(registry.boundTo('FLAT00001')?.id).toBe('FLAT00001');
  });

  it('§12.2 check 9: a stream key serves one active registration; a new root rebinds', () => {
    const registry = new Registry<'source'>();
    registry.register('PANEL0001', 'source', 0, 'root-a');
    expect(() => registry.register('PANEL0002', 'source', 0, 'root-a')).toThrow(
      "Channel 'root-a' is already registered to 'PANEL0001'.",
    );
    registry.register('PANEL0001', 'source', 10, 'root-b');
    expect(registry.boundTo('root-a')).toBeUndefined();
    expect(registry.boundTo('root-b')?.id).toBe('PANEL0001');
    registry.register('PANEL0002', 'source', 20, 'root-a');
    expect(registry.all().map((r) => [r.id, r.streamKey])).toEqual([
      ['PANEL0001', 'root-b'],
      ['PANEL0002', 'root-a'],
    ]);
  });
});
