import { alignSeries, stepCurve } from './chart-data';

describe('alignSeries', () => {
  it('puts every series on one ascending x axis with null where a series has no point', () => {
    expect(
      alignSeries([
        [
          { x: 3, y: 30 },
          { x: 1, y: 10 },
        ],
        [{ x: 2, y: 200 }],
      ]),
    ).toEqual([
      [1, 2, 3],
      [10, null, 30],
      [null, 200, null],
    ]);
  });

  it('keeps the later of two points at the same x', () => {
    expect(
      alignSeries([
        [
          { x: 1, y: 1 },
          { x: 1, y: 2 },
        ],
      ]),
    ).toEqual([[1], [2]]);
  });
});

describe('stepCurve', () => {
  it('sorts the steps and extends the last one to xMax', () => {
    expect(
      stepCurve(
        [
          { x: 10, y: 0 },
          { x: 0, y: 500 },
        ],
        20,
      ),
    ).toEqual([
      { x: 0, y: 500 },
      { x: 10, y: 0 },
      { x: 20, y: 0 },
    ]);
    expect(stepCurve([{ x: 0, y: 1 }])).toEqual([{ x: 0, y: 1 }]);
    expect(stepCurve([])).toEqual([]);
  });
});
