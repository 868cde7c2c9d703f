import { classifyCreateOpt } from './opt';
import type { OadrCreateOpt } from './payloads/opt';
import { OadrDataError } from './errors';

const base: OadrCreateOpt = {
  type: 'oadrCreateOpt',
  optID: 'opt-1',
  optType: 'optOut',
  optReason: 'participating',
  venID: 'ven-1',
  createdDateTime: Date.UTC(2030, 4, 1),
  requestID: 'r',
  eiTarget: {},
};
const T0 = Date.UTC(2030, 4, 1, 12);

describe('§7 EiOpt', () => {
  it('OPT-1: a qualifiedEventID makes an event opt, narrowed to the eiTarget resourceIDs if any', () => {
    expect(classifyCreateOpt({ ...base, qualifiedEventID: { eventID: 'e', modificationNumber: 1 } })).toEqual({
      kind: 'event',
      qualifiedEventID: { eventID: 'e', modificationNumber: 1 },
    });
    expect(
      classifyCreateOpt({
        ...base,
        qualifiedEventID: { eventID: 'e', modificationNumber: 1 },
        eiTarget: { resourceID: ['r1', 'r2'] },
      }),
    ).toEqual({
      kind: 'event',
      qualifiedEventID: { eventID: 'e', modificationNumber: 1 },
      resourceIds: ['r1', 'r2'],
    });
  });

  it('OPT-2: without one, an availability schedule with its periods, market context, resources and device classes', () => {
    const opt = {
      ...base,
      marketContext: 'http://flexgrid.local/programs/default',
      vavailability: [
        { dtstart: T0, duration: 3600 },
        { dtstart: T0 + 86_400_000, duration: 60 },
      ],
      eiTarget: { resourceID: ['r1'] },
      oadrDeviceClass: { endDeviceAsset: ['Thermostat'] },
    };
    expect(classifyCreateOpt(opt)).toEqual({
      kind: 'schedule',
      periods: [
        { start: T0, end: T0 + 3_600_000 },
        { start: T0 + 86_400_000, end: T0 + 86_460_000 },
      ],
      marketContext: 'http://flexgrid.local/programs/default',
      resourceIds: ['r1'],
      deviceClassMrids: ['Thermostat'],
    });
  });

  it.each([
    ['no vavailability', undefined],
    ['an empty vavailability', []],
    [
      'a period of zero duration',
      [
        { dtstart: T0, duration: 3600 },
        { dtstart: T0, duration: 0 },
      ],
    ],
  ])('OPT-2: an opt with neither event nor usable availability is 454 (%s)', (_, vavailability) => {
    expect(() => classifyCreateOpt({ ...base, ...(vavailability && { vavailability }) })).toThrow(OadrDataError);
  });
});
