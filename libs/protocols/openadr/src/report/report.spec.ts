import fc from 'fast-check';
import type { DataQuality } from '../payloads/common';
import type { OadrReport, OadrReportDescription, ReadingType } from '../payloads/report';
import { OadrDataError } from '../errors';
import { readingQuality, scaleToInteger, SI_SCALE_EXPONENT } from './conversion';
import {
  metadataReportName,
  metadataReportRequest,
  planReportRequests,
  reportBaseName,
  requestGranularity,
} from './requests';
import { intervalSpans, telemetryMeasure, telemetryReadings } from './telemetry';

const T0 = Date.UTC(2030, 4, 1, 12, 0, 0);

describe('RP-11 exact decimal conversion', () => {
  it.each([
    ['1.2345', 'k', 1235],
    ['0.75', 'k', 750],
    ['-2.5', 'none', -3],
    ['1.5E-3', 'k', 2],
    ['2.5', 'none', 3],
    ['-0.5', 'none', -1],
    ['0.49999999999999999999', 'none', 0],
    ['2.49999999999999999999', 'none', 2],
    ['-0.4', 'none', 0],
    ['12', 'M', 12_000_000],
    ['1500', 'm', 2],
    ['.5', 'none', 1],
    ['5.', 'none', 5],
    ['+7e2', 'none', 700],
    ['123456789', 'p', 0],
    ['9007199254740991', 'none', 9_007_199_254_740_991],
    ['1e-999999999', 'T', 0],
  ] as const)(
    'RP-11: %s with %s is %d (shift the decimal point, round half away from zero)',
    (value, scale, expected) => {
      expect(scaleToInteger(value, scale)).toBe(expected);
    },
  );

  it.each([
    ['9007199254740992', 'none'],
    ['9007199254.740992', 'M'],
    ['1e999999999', 'none'],
    ['-1e16', 'k'],
  ] as const)('RP-11: %s with %s is outside ±(2^53 − 1): 454', (value, scale) => {
    expect(() => scaleToInteger(value, scale)).toThrow(OadrDataError);
  });

  it('RP-11: agrees with exact rational arithmetic for any decimal and scale', () => {
    const decimal = fc.tuple(
      fc.boolean(),
      fc.bigInt({ min: 0n, max: 10n ** 15n }),
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: -6, max: 6 }),
    );
    const scales = Object.keys(SI_SCALE_EXPONENT) as (keyof typeof SI_SCALE_EXPONENT)[];
    fc.assert(
      fc.property(decimal, fc.constantFrom(...scales), ([negative, digits, fractionDigits, exponent], scale) => {
        const text = digits.toString().padStart(fractionDigits + 1, '0');
        const literal = `${negative ? '-' : ''}${text.slice(0, text.length - fractionDigits)}${fractionDigits > 0 ? `.${text.slice(text.length - fractionDigits)}` : ''}e${exponent}`;
        // value = digits × 10^(exponent + scale − fractionDigits), rounded half away from zero
        const power = exponent + SI_SCALE_EXPONENT[scale] - fractionDigits;
        let magnitude: bigint;
        if (power >= 0) magnitude = digits * 10n ** BigInt(power);
        else {
          const d = 10n ** BigInt(-power);
          magnitude = digits / d + (2n * (digits % d) >= d ? 1n : 0n);
        }
        if (magnitude > BigInt(Number.MAX_SAFE_INTEGER)) {
          expect(() => scaleToInteger(literal, scale)).toThrow(OadrDataError);
          return;
        }
        expect(scaleToInteger(literal, scale)).toBe(
          negative && magnitude !== 0n ? -Number(magnitude) : Number(magnitude),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('RP-12 quality', () => {
  it.each<[DataQuality | undefined, ReadingType, string | undefined]>([
    [undefined, 'Direct Read', 'measured'],
    [undefined, 'Estimated', 'estimated'],
    [undefined, 'Projected', 'estimated'],
    ['Quality Good - Non Specific', 'Direct Read', 'measured'],
    ['Quality Good - Local Override', 'Net', 'measured'],
    ['No New Value - Previous Value Used', 'Direct Read', 'replaced'],
    ['Quality Bad - Last Known Value', 'Direct Read', 'replaced'],
    ['Quality Uncertain - Last Usable Value', 'Direct Read', 'replaced'],
    ['Quality Uncertain - Sub Normal', 'Direct Read', 'estimated'],
    ['Quality Limit - Field/High', 'Direct Read', 'estimated'],
    ['No Quality - No Value', 'Direct Read', undefined],
    ['Quality Bad - Sensor Failure', 'Direct Read', undefined],
    ['Quality Bad - Comm Failure', 'Estimated', undefined],
    ['Quality Good - Non Specific', 'Estimated', 'estimated'],
    ['x-vendor', 'Direct Read', 'measured'],
  ])('RP-12: %s with readingType %s → %s', (quality, readingType, expected) => {
    expect(readingQuality(quality, readingType)).toBe(expected);
  });
});

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
    siScaleCode: 'k',
    powerAttributes: { hertz: '50', voltage: '230', ac: true },
  },
  readingType: 'Direct Read',
};

describe('RP-10 what is published', () => {
  it('RP-10: power in W or J/s and customUnit W; energy in Wh with usage or deltaUsage; registers and other units stored only', () => {
    expect(telemetryMeasure(power.itemBase, 'reading')).toBe('powerW');
    expect(
      telemetryMeasure(
        {
          type: 'powerReal',
          itemDescription: 'RealPower',
          itemUnits: 'J/s',
          siScaleCode: 'none',
          powerAttributes: { hertz: '50', voltage: '230', ac: true },
        },
        'demand',
      ),
    ).toBe('powerW');
    expect(
      telemetryMeasure({ type: 'customUnit', itemDescription: 'p', itemUnits: 'W', siScaleCode: 'none' }, 'reading'),
    ).toBe('powerW');
    expect(telemetryMeasure(energy.itemBase, 'usage')).toBe('energyWh');
    expect(telemetryMeasure(energy.itemBase, 'deltaUsage')).toBe('energyWh');
    expect(
      telemetryMeasure({ type: 'customUnit', itemDescription: 'e', itemUnits: 'Wh', siScaleCode: 'none' }, 'usage'),
    ).toBe('energyWh');
    expect(telemetryMeasure(energy.itemBase, 'reading')).toBeUndefined();
    expect(
      telemetryMeasure(
        {
          type: 'powerReactive',
          itemDescription: 'ReactivePower',
          itemUnits: 'VAR',
          siScaleCode: 'none',
          powerAttributes: { hertz: '50', voltage: '230', ac: true },
        },
        'reading',
      ),
    ).toBeUndefined();
    expect(
      telemetryMeasure({ type: 'voltage', itemDescription: 'Voltage', itemUnits: 'V', siScaleCode: 'none' }, 'reading'),
    ).toBeUndefined();
    expect(telemetryMeasure(undefined, 'x-resourceStatus')).toBeUndefined();
  });
});

describe('RP-7 interval spans', () => {
  const report = (intervals: OadrReport['intervals'], dtstart?: number): OadrReport => ({
    reportRequestID: 'rr',
    reportSpecifierID: 's',
    createdDateTime: T0,
    intervals,
    ...(dtstart !== undefined && { dtstart }),
  });

  it('RP-7: start is the interval dtstart, else the report dtstart plus earlier durations; end is start + duration, else + G', () => {
    const spans = intervalSpans(
      report(
        [
          { duration: 60, payloads: [] },
          { dtstart: T0 + 600_000, duration: 10, payloads: [] },
          { duration: 30, payloads: [] },
          { dtstart: T0 + 900_000, payloads: [] },
        ],
        T0,
      ),
      15,
    );
    expect(spans).toEqual([
      { start: T0, end: T0 + 60_000 },
      { start: T0 + 600_000, end: T0 + 610_000 },
      { start: T0 + 70_000, end: T0 + 100_000 },
      { start: T0 + 900_000, end: T0 + 915_000 },
    ]);
    expect(intervalSpans(report([{ dtstart: T0, payloads: [] }]), 0)).toEqual([{ start: T0, end: T0 }]);
  });

  it('RP-7: an interval without a derivable start is 454', () => {
    expect(() => intervalSpans(report([{ payloads: [] }]), 60)).toThrow(OadrDataError);
    expect(() => intervalSpans(report([{ dtstart: T0, payloads: [] }, { payloads: [] }], T0), 60)).toThrow(
      OadrDataError,
    );
  });
});

describe('RP-13 meter.readings records', () => {
  const request = {
    venId: 'ven-1',
    reportRequestId: 'rr-1',
    reportSpecifierId: 'spec-1',
    reportName: 'TELEMETRY_USAGE',
    granularity: 60,
    descriptions: new Map([
      ['energy', energy],
      ['power', power],
    ]),
  };
  const update: OadrReport = {
    dtstart: T0,
    intervals: [
      {
        dtstart: T0,
        payloads: [
          { type: 'oadrReportPayload', rID: 'energy', payloadBase: { type: 'payloadFloat', value: '0.75' } },
          {
            type: 'oadrReportPayload',
            rID: 'power',
            payloadBase: { type: 'payloadFloat', value: '1.2345' },
            oadrDataQuality: 'Quality Uncertain - Sub Normal',
          },
          { type: 'oadrReportPayload', rID: 'other', payloadBase: { type: 'payloadFloat', value: '1' } },
          {
            type: 'oadrReportPayload',
            rID: 'power',
            payloadBase: { type: 'payloadFloat', value: '9' },
            oadrDataQuality: 'Quality Bad - Sensor Failure',
          },
        ],
      },
      {
        dtstart: T0 + 60_000,
        duration: 30,
        payloads: [
          { type: 'oadrReportPayload', rID: 'energy', payloadBase: { type: 'payloadFloat', value: '-2.5e-3' } },
        ],
      },
    ],
    reportRequestID: 'rr-1',
    reportSpecifierID: 'spec-1',
    reportName: 'TELEMETRY_USAGE',
    createdDateTime: T0 + 120_000,
  };

  it('RP-13: one record per usable data point, meterId venID:rID, exact integers, quality, origin', () => {
    const { readings, ignoredRIds } = telemetryReadings(update, request);
    expect(ignoredRIds).toEqual(['other']);
    expect(readings).toEqual([
      {
        meterId: 'ven-1:energy',
        startTime: T0,
        endTime: T0 + 60_000,
        energyWh: 750,
        quality: 'measured',
        source: 'openadr-vtn',
        origin: {
          venId: 'ven-1',
          reportRequestId: 'rr-1',
          reportSpecifierId: 'spec-1',
          rId: 'energy',
          resourceId: 'meter-1',
        },
      },
      {
        meterId: 'ven-1:power',
        startTime: T0,
        endTime: T0 + 60_000,
        powerW: 1235,
        quality: 'estimated',
        source: 'openadr-vtn',
        origin: { venId: 'ven-1', reportRequestId: 'rr-1', reportSpecifierId: 'spec-1', rId: 'power' },
      },
      {
        meterId: 'ven-1:energy',
        startTime: T0 + 60_000,
        endTime: T0 + 90_000,
        energyWh: -3,
        quality: 'measured',
        source: 'openadr-vtn',
        origin: {
          venId: 'ven-1',
          reportRequestId: 'rr-1',
          reportSpecifierId: 'spec-1',
          rId: 'energy',
          resourceId: 'meter-1',
        },
      },
    ]);
  });

  it('RP-10: only TELEMETRY_USAGE requests publish; zero-length spans are not published', () => {
    expect(telemetryReadings(update, { ...request, reportName: 'TELEMETRY_STATUS' }).readings).toEqual([]);
    expect(
      telemetryReadings(update, { ...request, granularity: 0 }).readings.map((r) => r.endTime - r.startTime),
    ).toEqual([30_000]);
  });

  it('RP-8: rIDs outside the request are counted whatever is published', () => {
    expect(telemetryReadings(update, { ...request, reportName: 'TELEMETRY_STATUS' }).ignoredRIds).toEqual(['other']);
    expect(telemetryReadings(update, { ...request, granularity: 0 }).ignoredRIds).toEqual(['other']);
  });

  it('RP-11: a value out of range makes the whole report 454', () => {
    const huge: OadrReport = {
      ...update,
      intervals: [
        {
          dtstart: T0,
          payloads: [
            { type: 'oadrReportPayload', rID: 'energy', payloadBase: { type: 'payloadFloat', value: '1e20' } },
          ],
        },
      ],
    };
    expect(() => telemetryReadings(huge, request)).toThrow(OadrDataError);
  });
});

describe('RP-1 / RP-3 report registration and requests', () => {
  it('RP-1: METADATA_ and x- names stay; bare names are taken as METADATA with a warning', () => {
    expect(metadataReportName('METADATA_TELEMETRY_USAGE')).toEqual({ name: 'METADATA_TELEMETRY_USAGE' });
    expect(metadataReportName('x-custom')).toEqual({ name: 'x-custom' });
    expect(metadataReportName('TELEMETRY_USAGE')).toEqual({
      name: 'METADATA_TELEMETRY_USAGE',
      warning: "report name 'TELEMETRY_USAGE' taken as METADATA_TELEMETRY_USAGE",
    });
    expect(reportBaseName('METADATA_TELEMETRY_STATUS')).toBe('TELEMETRY_STATUS');
  });

  it.each([
    [{ oadrMinPeriod: 5, oadrMaxPeriod: 5, oadrOnChange: false }, 5],
    [{ oadrMinPeriod: 1, oadrMaxPeriod: 3600, oadrOnChange: false }, 60],
    [{ oadrMinPeriod: 300, oadrMaxPeriod: 900, oadrOnChange: false }, 300],
    [undefined, 60],
    [{ oadrMinPeriod: 0, oadrMaxPeriod: 0, oadrOnChange: true }, 1],
  ])('RP-3: sampling rate %j gives G = %d s', (rate, g) => {
    expect(requestGranularity(rate, 60)).toBe(g);
  });

  it('RP-3: rIDs with equal G share one request, B = G × multiple, offered readingType, no itemBase, no reportInterval', () => {
    let n = 0;
    const metadata: OadrReport = {
      reportRequestID: '0',
      reportSpecifierID: 'spec-1',
      reportName: 'METADATA_TELEMETRY_USAGE',
      createdDateTime: T0,
      oadrReportDescription: [
        { ...energy, oadrSamplingRate: { oadrMinPeriod: 1, oadrMaxPeriod: 3600, oadrOnChange: false } },
        { ...power, rID: 'fast', oadrSamplingRate: { oadrMinPeriod: 5, oadrMaxPeriod: 5, oadrOnChange: false } },
        { ...power, readingType: 'Mean' },
      ],
    };
    expect(
      planReportRequests(metadata, { granularity: 60, backMultiple: 2, newReportRequestId: () => `rr-${++n}` }),
    ).toEqual([
      {
        reportRequestID: 'rr-1',
        reportSpecifier: {
          reportSpecifierID: 'spec-1',
          granularity: 60,
          reportBackDuration: 120,
          specifierPayload: [
            { rID: 'energy', readingType: 'Direct Read' },
            { rID: 'power', readingType: 'Mean' },
          ],
        },
      },
      {
        reportRequestID: 'rr-2',
        reportSpecifier: {
          reportSpecifierID: 'spec-1',
          granularity: 5,
          reportBackDuration: 10,
          specifierPayload: [{ rID: 'fast', readingType: 'Direct Read' }],
        },
      },
    ]);
    expect(
      planReportRequests(
        { ...metadata, oadrReportDescription: undefined },
        { granularity: 60, backMultiple: 1, newReportRequestId: () => 'x' },
      ),
    ).toEqual([]);
  });

  it('RP-15: the METADATA request asks for rID METADATA, x-notApplicable, PT0S (written XSD-valid in write.spec)', () => {
    expect(metadataReportRequest('rr-9')).toEqual({
      reportRequestID: 'rr-9',
      reportSpecifier: {
        reportSpecifierID: 'METADATA',
        granularity: 0,
        reportBackDuration: 0,
        specifierPayload: [{ rID: 'METADATA', readingType: 'x-notApplicable' }],
      },
    });
  });
});
