import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { preferredAssignor } from '../../lib/groups/assignors';
import { rangeAssignor } from '../../lib/groups/assignors/range';
import { uniformAssignor } from '../../lib/groups/assignors/uniform';
import type { AssignorMember } from '../../lib/groups/assignors/types';
import { count, pairs } from '../../lib/groups/assignment';
import type { Assignment, GroupMember } from '../../lib/groups/types';

const members = (n: number, topics = ['a']): AssignorMember[] => Array.from({ length: n }, (_, i) => ({ memberId: `m${i}`, topics }));
const counts = (out: Record<string, Assignment>) => Object.values(out).map(count);
/** Every partition of every subscribed topic is given to exactly one member. */
function expectExactCover(out: Record<string, Assignment>, partitionsCount: Record<string, number>) {
  const all = Object.values(out).flatMap((a) => pairs(a).map(([t, p]) => `${t}-${p}`));
  const expected = Object.entries(partitionsCount).flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}-${p}`));
  expect(all.sort()).toEqual(expected.sort());
}

describe('range assignor (Kafka RangeAssignor)', () => {
  it('gives each member a consecutive range, the first P % M members one more', () => {
    const out = rangeAssignor({ members: members(3), partitionsCount: { a: 7 }, previous: {} });
    expect(out).toEqual({ m0: { a: [0, 1, 2] }, m1: { a: [3, 4] }, m2: { a: [5, 6] } });
  });

  it('assigns each topic over its own subscribers, sorting static members by instance id', () => {
    const ms: AssignorMember[] = [
      { memberId: 'z', instanceId: 'i-1', topics: ['a', 'b'] },
      { memberId: 'a', instanceId: 'i-2', topics: ['a'] },
    ];
    const out = rangeAssignor({ members: ms, partitionsCount: { a: 4, b: 2 }, previous: {} });
    expect(out).toEqual({ z: { a: [0, 1], b: [0, 1] }, a: { a: [2, 3] } });
  });

  it('leaves members without partitions when there are more members than partitions', () => {
    const out = rangeAssignor({ members: members(3), partitionsCount: { a: 2 }, previous: {} });
    expect(out).toEqual({ m0: { a: [0] }, m1: { a: [1] }, m2: {} });
  });
});

describe('uniform assignor (balanced, sticky)', () => {
  it('balances 6 partitions over 3 members and 4 members', () => {
    const three = uniformAssignor({ members: members(3), partitionsCount: { a: 6 }, previous: {} });
    expect(counts(three)).toEqual([2, 2, 2]);
    const four = uniformAssignor({ members: members(4), partitionsCount: { a: 6 }, previous: three });
    expect(counts(four).sort()).toEqual([1, 1, 2, 2]);
    expectExactCover(four, { a: 6 });
    // Sticky: only the surplus moved to the new member; everyone else kept what they had.
    for (const id of ['m0', 'm1', 'm2']) for (const p of four[id]!.a ?? []) expect(three[id]!.a).toContain(p);
  });

  it('keeps the previous owners when a member leaves, and spreads only its partitions', () => {
    const before = uniformAssignor({ members: members(3), partitionsCount: { a: 6 }, previous: {} });
    const after = uniformAssignor({ members: members(2), partitionsCount: { a: 6 }, previous: before });
    expect(counts(after)).toEqual([3, 3]);
    for (const id of ['m0', 'm1']) for (const p of before[id]!.a!) expect(after[id]!.a).toContain(p);
  });

  it('respects subscriptions: a partition only goes to a subscriber of its topic', () => {
    const ms: AssignorMember[] = [
      { memberId: 'x', topics: ['a'] },
      { memberId: 'y', topics: ['a', 'b'] },
      { memberId: 'z', topics: ['b'] },
    ];
    const out = uniformAssignor({ members: ms, partitionsCount: { a: 4, b: 4 }, previous: {} });
    expectExactCover(out, { a: 4, b: 4 });
    expect(out.x!.b).toBeUndefined();
    expect(out.z!.a).toBeUndefined();
    expect(Math.max(...counts(out)) - Math.min(...counts(out))).toBeLessThanOrEqual(1);
  });

  it('property: identical subscriptions → exact cover, counts within 1, and deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 12 }), (m, p, m2) => {
        const first = uniformAssignor({ members: members(m), partitionsCount: { a: p }, previous: {} });
        const next = uniformAssignor({ members: members(m2), partitionsCount: { a: p }, previous: first });
        expectExactCover(next, { a: p });
        expect(Math.max(...counts(next)) - Math.min(...counts(next))).toBeLessThanOrEqual(1);
        expect(uniformAssignor({ members: members(m2), partitionsCount: { a: p }, previous: first })).toEqual(next);
      }),
    );
  });
});

describe('preferred assignor', () => {
  const m = (serverAssignor?: 'uniform' | 'range') => ({ serverAssignor }) as GroupMember;
  it('is the one most members ask for, uniform by default', () => {
    expect(preferredAssignor([])).toBe('uniform');
    expect(preferredAssignor([m(), m()])).toBe('uniform');
    expect(preferredAssignor([m('range'), m('range'), m('uniform')])).toBe('range');
    expect(preferredAssignor([m('range'), m('uniform')])).toBe('uniform');
  });
});
