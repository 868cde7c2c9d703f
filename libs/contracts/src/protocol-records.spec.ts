/**
 * The protocol libs define their records in their own words and may not import the catalog (DESIGN.md
 * "Dependency rules"), so this is where the two are held together: each record is built with the lib's own
 * functions, mapped to the contract type as an app's `src/records.ts` would (checked with `satisfies`), and
 * validated against the catalog's schema. The type-level checks fail `typecheck` when a definition drifts.
 */
import {
  type OadrReport,
  type OadrReportDescription,
  type TelemetryReading,
  telemetryReadings,
} from '@flexgrid/protocol-openadr';
import {
  initialMeterWindowState,
  type MeterReadingValue,
  meterWindows,
  readMeterReading,
  resolveConfig,
  toWireSpan,
} from '@flexgrid/protocol-p2p';
import {
  bid,
  marketBasis,
  type MarketBasis as PowerMatcherMarketBasis,
  priceIndex,
  priceOf,
} from '@flexgrid/protocol-powermatcher';
import {
  type BidAccepted,
  catalog,
  ContractValidator,
  type MarketBasis,
  type MeterReading,
  type PriceUpdate,
} from './index';

const validator = new ContractValidator(catalog);

/** True when a `From` may stand wherever a `To` is expected; tuple-wrapped so unions are not distributed. */
type Assignable<From, To> = [From] extends [To] ? true : false;
/**
 * An open record's named fields. Its index signature only says that readers ignore unknown fields (P2P §3), and an
 * interface, having no implicit index signature, could never be assigned to it.
 */
type NamedFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

// A writer's type must fit the contract; a reader's type must take every record the contract lets through.
const typeChecks: {
  openadrTelemetryIsAMeterReading: Assignable<TelemetryReading, NamedFields<MeterReading>>;
  everyMeterReadingReachesTheP2PReader: Assignable<MeterReading, MeterReadingValue>;
  powerMatcherMarketBasisIsTheContractOne: Assignable<PowerMatcherMarketBasis, MarketBasis>;
  contractMarketBasisReachesPowerMatcher: Assignable<MarketBasis, PowerMatcherMarketBasis>;
} = {
  openadrTelemetryIsAMeterReading: true,
  everyMeterReadingReachesTheP2PReader: true,
  powerMatcherMarketBasisIsTheContractOne: true,
  contractMarketBasisReachesPowerMatcher: true,
};

const T0 = 1_800_000_000_000;

describe('meter.reading from the P2P lib (P2P §3.1, P2P-T3, P2P-T10)', () => {
  const config = resolveConfig('poc');
  const { windows } = meterWindows(initialMeterWindowState(T0, config.intervalMs), T0 + 3 * config.intervalMs, {
    intervalMs: config.intervalMs,
  });
  // A P2P source writes each window of its meter clock in the profile's wire bounds, as `output`.
  const records = windows.map(
    (window, i) =>
      ({
        meterId: 'PANEL0001',
        ...toWireSpan(window, config.wireBounds),
        energyWh: 1250 + i,
        command: 'output',
        source: 'p2p-simulator',
      }) satisfies MeterReading,
  );

  it("the simulator's windows are valid meter.reading records", () => {
    expect(records.map((r) => [r.startTime, r.endTime, r.bounds])).toEqual([
      [T0 + 1, T0 + 30_000, 'inclusive'],
      [T0 + 30_001, T0 + 60_000, 'inclusive'],
    ]);
    for (const record of records)
      expect(validator.check('meter.readings', 'meter.reading', record.meterId, record)).toEqual({ ok: true });
  });

  it("the lib's reader takes a contract record as it is and reads back the window it was written from", () => {
    const intake = readMeterReading(records[0], { role: 'source', channel: 'kafka', wireBounds: config.wireBounds });
    expect(intake).toEqual({
      kind: 'record',
      record: { streamKey: 'PANEL0001', span: windows[0], energyWh: 1250 },
    });
  });

  it('holds the type-level checks above (typecheck fails first when one breaks)', () => {
    expect(Object.values(typeChecks).every((holds) => holds)).toBe(true);
  });
});

describe('meter.reading from the OpenADR lib (RP-13)', () => {
  const energy: OadrReportDescription = {
    rID: 'energy',
    reportDataSource: { resourceID: ['meter-1'] },
    reportType: 'usage',
    itemBase: { type: 'energyReal', itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode: 'k' },
    readingType: 'Direct Read',
  };
  const power: OadrReportDescription = {
    rID: 'power',
    reportType: 'reading',
    itemBase: {
      type: 'powerReal',
      itemDescription: 'RealPower',
      itemUnits: 'W',
      siScaleCode: 'none',
      powerAttributes: { hertz: '50', voltage: '230', ac: true },
    },
    readingType: 'Direct Read',
  };
  const update: OadrReport = {
    dtstart: T0,
    intervals: [
      {
        dtstart: T0,
        duration: 60,
        payloads: [
          { type: 'oadrReportPayload', rID: 'energy', payloadBase: { type: 'payloadFloat', value: '0.75' } },
          {
            type: 'oadrReportPayload',
            rID: 'power',
            payloadBase: { type: 'payloadFloat', value: '-1200.4' },
            oadrDataQuality: 'Quality Uncertain - Sub Normal',
          },
        ],
      },
    ],
    reportRequestID: 'rr-1',
    reportSpecifierID: 'spec-1',
    reportName: 'TELEMETRY_USAGE',
    createdDateTime: T0 + 60_000,
  };
  const { readings } = telemetryReadings(update, {
    venId: 'ven-1',
    reportRequestId: 'rr-1',
    reportSpecifierId: 'spec-1',
    reportName: 'TELEMETRY_USAGE',
    granularity: 60,
    descriptions: new Map([
      ['energy', energy],
      ['power', power],
    ]),
  });
  // The VTN adds its correction counter (RP-13 leaves the revision to the writer).
  const records = readings.map((reading) => ({ ...reading, revision: 0 }) satisfies MeterReading);

  it('every reading of a telemetry update is a valid meter.reading record keyed venID:rID', () => {
    expect(records.map((r) => [r.meterId, r.energyWh, r.powerW, r.quality])).toEqual([
      ['ven-1:energy', 750, undefined, 'measured'],
      ['ven-1:power', undefined, -1200, 'estimated'],
    ]);
    for (const record of records)
      expect(validator.check('meter.readings', 'meter.reading', record.meterId, record)).toEqual({ ok: true });
  });
});

describe('MarketBasis from the PowerMatcher lib (PM-MB-1)', () => {
  const basis = marketBasis({
    commodity: 'electricity',
    currency: 'EUR',
    priceSteps: 11,
    minimumPrice: -0.5,
    maximumPrice: 0.5,
  });
  const entering = bid(basis, [3000, 2000, 1000, 500, 0, 0, -500, -1000, -2000, -2500, -3000]);

  it('an accepted bid carries the lib market basis and demand as powermatcher.bid.accepted', () => {
    const record = {
      clusterId: 'DefaultCluster',
      agentId: 'pv-roof-1',
      parentId: 'auctioneer',
      sessionId: 'session-1',
      bidNumber: 7,
      marketBasis: entering.marketBasis,
      demand: [...entering.demand],
      receivedAt: '2027-01-15T08:00:00.000Z',
    } satisfies BidAccepted;
    expect(validator.check('powermatcher.bids', 'powermatcher.bid.accepted', record.agentId, record)).toEqual({
      ok: true,
    });
  });

  it('a price on the lib grid carries the lib market basis as powermatcher.price.published', () => {
    const price = priceOf(basis, 6);
    const record = {
      clusterId: 'DefaultCluster',
      round: 1,
      price,
      priceIndex: priceIndex(basis, price),
      marketBasis: basis,
      bidNumbers: { 'pv-roof-1': 7 },
      at: '2027-01-15T08:00:01.000Z',
    } satisfies PriceUpdate;
    expect(record.priceIndex).toBe(6);
    expect(validator.check('powermatcher.prices', 'powermatcher.price.published', record.clusterId, record)).toEqual({
      ok: true,
    });
  });
});
