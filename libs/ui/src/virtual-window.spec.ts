import { moveSelection, scrollTopToReveal, visibleWindow } from './virtual-window';

describe('visibleWindow', () => {
  const base = { viewportHeight: 200, rowHeight: 20, rowCount: 100_000, overscan: 5 };

  it('renders the rows in view plus the overscan, at their offset', () => {
    expect(visibleWindow({ ...base, scrollTop: 0 })).toEqual({
      start: 0,
      end: 15,
      offsetTop: 0,
      totalHeight: 2_000_000,
    });
    expect(visibleWindow({ ...base, scrollTop: 1000 })).toEqual({
      start: 45,
      end: 65,
      offsetTop: 900,
      totalHeight: 2_000_000,
    });
    // A partly visible row at each edge counts.
    expect(visibleWindow({ ...base, scrollTop: 1010, overscan: 0 })).toMatchObject({ start: 50, end: 61 });
  });

  it('clamps at the end and to scroll positions out of range', () => {
    const end = visibleWindow({ ...base, scrollTop: 2_000_000 - 200 });
    expect(end).toMatchObject({ start: 99_985, end: 100_000 });
    expect(visibleWindow({ ...base, scrollTop: 5_000_000 })).toEqual(end);
    expect(visibleWindow({ ...base, scrollTop: -50 })).toMatchObject({ start: 0, end: 15 });
  });

  it('handles lists shorter than the viewport and empty lists', () => {
    expect(visibleWindow({ ...base, rowCount: 3, scrollTop: 0 })).toEqual({
      start: 0,
      end: 3,
      offsetTop: 0,
      totalHeight: 60,
    });
    expect(visibleWindow({ ...base, rowCount: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
  });

  it('always covers every fully or partly visible row', () => {
    for (let scrollTop = 0; scrollTop < 5000; scrollTop += 7) {
      const w = visibleWindow({ ...base, scrollTop, overscan: 0 });
      expect(w.start * 20).toBeLessThanOrEqual(scrollTop);
      expect(w.end * 20).toBeGreaterThanOrEqual(scrollTop + 200);
    }
  });
});

describe('scrollTopToReveal', () => {
  it('scrolls the least needed to show a row fully, and not at all when it is in view', () => {
    expect(scrollTopToReveal(20, 0, 200, 20)).toBe(220); // below: its bottom at the viewport's bottom
    expect(scrollTopToReveal(3, 200, 200, 20)).toBe(60); // above: its top at the viewport's top
    expect(scrollTopToReveal(12, 200, 200, 20)).toBe(200);
    expect(scrollTopToReveal(19, 200, 200, 20)).toBe(200);
    expect(scrollTopToReveal(20, 200, 200, 20)).toBe(220);
  });
});

describe('moveSelection', () => {
  it('moves by one, by a page and to the ends, staying inside the list', () => {
    expect(moveSelection('ArrowDown', -1, 100, 10)).toBe(0);
    expect(moveSelection('ArrowUp', -1, 100, 10)).toBe(0);
    expect(moveSelection('ArrowDown', 5, 100, 10)).toBe(6);
    expect(moveSelection('ArrowDown', 99, 100, 10)).toBe(99);
    expect(moveSelection('ArrowUp', 0, 100, 10)).toBe(0);
    expect(moveSelection('PageDown', 5, 100, 10)).toBe(15);
    expect(moveSelection('PageDown', 95, 100, 10)).toBe(99);
    expect(moveSelection('PageUp', 5, 100, 10)).toBe(0);
    expect(moveSelection('Home', 50, 100, 10)).toBe(0);
    expect(moveSelection('End', 0, 100, 10)).toBe(99);
    expect(moveSelection('End', 0, 0, 10)).toBe(-1);
  });
});
