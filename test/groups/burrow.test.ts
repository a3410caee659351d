import { describe, expect, it } from 'vitest';
import { evaluatePartition, groupStatus, type WindowSample } from '../../lib/groups/burrow';

const S = 10_000;
/** Samples every 10 s from t = 0: [offset, lag] pairs. */
const window = (...pts: Array<[number, number]>): WindowSample[] => pts.map(([offset, lag], i) => ({ offset, lag, timestamp: i * S }));
const last = (w: WindowSample[]) => w[w.length - 1]!.timestamp;

describe('Burrow evaluation rules', () => {
  it('OK when caught up now, whatever the window says', () => {
    const w = window([10, 5], [10, 8], [10, 9]);
    expect(evaluatePartition(w, 0, last(w) + 1_000_000, S)).toBe('OK');
  });

  it('STOP when the last commit is older than the window span while there is lag', () => {
    const w = window([10, 5], [20, 5], [30, 5], [40, 5]); // span 30 s
    expect(evaluatePartition(w, 5, last(w) + 30_000, S)).not.toBe('STOP');
    expect(evaluatePartition(w, 5, last(w) + 30_001, S)).toBe('STOP');
    // One commit: the span is at least one slot.
    expect(evaluatePartition(window([10, 5]), 5, 9_000, S)).toBe('OK');
    expect(evaluatePartition(window([10, 5]), 5, 10_001, S)).toBe('STOP');
  });

  it('OK when the lag was zero at some commit of the window', () => {
    const w = window([10, 0], [10, 3], [10, 6]);
    expect(evaluatePartition(w, 6, last(w) + 1, S)).toBe('OK');
  });

  it('STALL when commits keep coming with the same offset and lag', () => {
    const w = window([50, 50], [50, 60], [50, 70]);
    expect(evaluatePartition(w, 70, last(w) + 1, S)).toBe('STALL');
  });

  it('REWIND when the offset went backwards', () => {
    const w = window([50, 5], [40, 15], [45, 10]);
    expect(evaluatePartition(w, 10, last(w) + 1, S)).toBe('REWIND');
  });

  it('WARNING when the offset moves but the lag never goes down', () => {
    const w = window([10, 5], [20, 5], [30, 8]);
    expect(evaluatePartition(w, 8, last(w) + 1, S)).toBe('WARNING');
  });

  it('OK when the lag goes down somewhere in the window', () => {
    const w = window([10, 5], [20, 9], [30, 4]);
    expect(evaluatePartition(w, 4, last(w) + 1, S)).toBe('OK');
  });

  it('the group takes its worst partition: ERROR for STOP, STALL or REWIND, else WARNING, else OK', () => {
    expect(groupStatus([])).toBe('OK');
    expect(groupStatus(['OK', 'WARNING'])).toBe('WARNING');
    expect(groupStatus(['OK', 'WARNING', 'STALL'])).toBe('ERROR');
    expect(groupStatus(['STOP'])).toBe('ERROR');
    expect(groupStatus(['REWIND', 'OK'])).toBe('ERROR');
  });
});
