import { formatDateTime, formatRecentTime, formatTimeRange, localZoneName, relativeTime } from './time-format';

// The machine's zone is whatever it is: these hold in every zone.
const at = Date.UTC(2030, 5, 15, 12, 0, 0);

describe('time formats', () => {
  it('writes a missing time as a dash and a text that is no time as it is', () => {
    expect(formatDateTime(null)).toBe('–');
    expect(formatDateTime(undefined)).toBe('–');
    expect(formatRecentTime('')).toBe('–');
    expect(formatDateTime('not a time')).toBe('not a time');
  });

  it('writes the same instant the same way from ISO text, epoch milliseconds and a Date, with the zone', () => {
    const text = formatDateTime(at);
    expect(formatDateTime(new Date(at).toISOString())).toBe(text);
    expect(formatDateTime(new Date(at))).toBe(text);
    expect(text).toContain('2030');
    expect(text).toContain(localZoneName);
  });

  it('leaves the date out of a time of the same day, and keeps it for an older one', () => {
    expect(formatRecentTime(at, at + 1000)).not.toContain('2030');
    expect(formatRecentTime(at, at + 1000)).toContain(localZoneName);
    expect(formatRecentTime(at, at + 400 * 86_400_000)).toContain('2030');
  });

  it('names the zone once in a range within one day', () => {
    const range = formatTimeRange(at, at + 900_000);
    expect(range.split(localZoneName)).toHaveLength(2);
    expect(range.split('2030')).toHaveLength(2);
  });

  it('says how long ago or how soon', () => {
    expect(relativeTime(at - 4000, at)).toBe('4 s ago');
    expect(relativeTime(new Date(at - 12 * 60_000).toISOString(), at)).toBe('12 min ago');
    expect(relativeTime(at + 3 * 3_600_000, at)).toBe('in 3 h');
    expect(relativeTime(at - 3 * 86_400_000, at)).toBe('3 d ago');
    expect(relativeTime(null, at)).toBe('never');
  });
});
