import { Grid, readMeterReading, readProducerOutput, resolveConfig } from './index';

/** The README's example, kept runnable so the documentation stays correct. */
describe('README example: settle one interval from readings', () => {
  it('P2P-S4/S10: 900 Wh matched → consumer charged 22 (carry 500 000 µ), producer credited 18, grid line 4; nothing final, requested or paid yet', () => {
    const config = resolveConfig('community');
    const T0 = 1_800_000_000_000;
    const grid = new Grid({ config, gridId: 'GRID00001', epoch: T0 });
    grid.register('PVROOF001', 'producer', T0 - 1);
    grid.register('FLAT00001', 'consumer', T0 - 1);
    const intake = readMeterReading(
      { meterId: 'FLAT00001', startTime: T0, endTime: T0 + 900_000, energyWh: 900 },
      { role: 'consumer', channel: 'kafka', wireBounds: config.wireBounds },
    );
    if (intake.kind !== 'record') throw new Error('expected a record');
    expect(grid.ingestReading(intake.record, T0 + 900_000).outcome).toBe('accepted');
    const output = readProducerOutput({
      producerId: 'PVROOF001',
      startTime: T0,
      endTime: T0 + 900_000,
      outputWh: 1234,
      producerPricePerMWh: 20_000,
      paymentIdOrAddress: 'PVROOF001',
      quality: 'measured',
      complete: true,
      missingSources: [],
      partialSources: [],
      revision: 0,
    });
    if (output.kind !== 'record') throw new Error('expected a record');
    expect(grid.ingestOutput(output.record, T0 + 900_000).outcome).toBe('accepted');
    const run = grid.run(T0 + 900_000 + 600_001);
    const [record] = run.records;
    if (record.type !== 'settlement.interval') throw new Error(`expected a version, got ${record.type}`);
    expect(record.value.totals).toEqual({
      producedWh: 1234,
      consumedWh: 900,
      matchedWh: 900,
      importWh: 0,
      exportWh: 334,
    });
    expect(run.entries.map((e) => [e.memberId, e.amount])).toEqual([
      ['FLAT00001', 22],
      ['PVROOF001', 18],
    ]);
    expect(grid.ledger.consumer('FLAT00001').moneyCarryMicro).toBe(500_000n);
    expect(record.value.gridLine).toBe(4);
    // Only version 1: final after 48 h, 22 below the request minimum of 100, payouts only from final intervals.
    expect(run).toMatchObject({ settled: 1, finalised: 0, paymentRequests: [], payouts: [] });
    expect(run.records).toHaveLength(1);
  });
});
