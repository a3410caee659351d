import { expect } from 'vitest';
import { createTopic } from '../../lib/broker/create-topic';
import type { Broker } from '../../lib/broker/context';
import { groupHeartbeat } from '../../lib/broker/group-heartbeat';
import { pairs } from '../../lib/groups/assignment';
import { currentAssignment } from '../../lib/groups/group-state';
import type { HeartbeatRequest, HeartbeatResponse } from '../../lib/groups/heartbeat-request';
import { groupSettings, type GroupSettings } from '../../lib/groups/settings';
import type { Assignment, GroupState } from '../../lib/groups/types';
import { readGroup } from '../../lib/metadata/group-store';
import { uniqueTopic } from '../support/broker';

/** Short timeouts: the tests move a virtual clock instead of sleeping. */
export const SETTINGS: GroupSettings = { ...groupSettings({}), sessionTimeoutMs: 1_000, minSessionTimeoutMs: 100, heartbeatIntervalMs: 100 };
export const T0 = 1_800_000_000_000;

export async function topicWith(broker: Broker, partitionsCount: number, prefix = 'g'): Promise<string> {
  const topic = uniqueTopic(prefix);
  await createTopic(broker, { topicName: topic, partitionsCount });
  return topic;
}

/**
 * A well-behaved member: it owns what the last answer told it, drops revoked partitions at
 * once, and reports what it owns on every heartbeat (as the SDK will).
 */
export class TestMember {
  memberId = '';
  memberEpoch = 0;
  owned: Assignment = {};
  constructor(
    readonly broker: Broker,
    readonly groupId: string,
    readonly topics: string[],
    readonly extra: Partial<HeartbeatRequest> = {},
  ) {}

  async heartbeat(now: number, overrides: Partial<HeartbeatRequest> = {}): Promise<HeartbeatResponse> {
    const res = await groupHeartbeat(
      this.broker,
      this.groupId,
      {
        memberId: this.memberId,
        memberEpoch: this.memberEpoch,
        subscribedTopicNames: this.topics,
        ownedPartitions: this.owned,
        rebalanceTimeoutMs: 5_000,
        clientId: 'test',
        ...this.extra,
        ...overrides,
      },
      { now, settings: SETTINGS },
    );
    this.memberId = res.memberId;
    this.memberEpoch = res.memberEpoch;
    this.owned = res.assignment;
    return res;
  }

  async leave(now: number, epoch = -1) {
    return this.heartbeat(now, { memberEpoch: epoch });
  }
}

/** No partition in two members' current assignments (assigned or pending revocation). */
export function expectExclusive(group: GroupState | undefined): void {
  const seen = new Map<string, string>();
  for (const m of Object.values(group?.members ?? {})) {
    for (const [t, p] of pairs(currentAssignment(m))) {
      const key = `${t}-${p}`;
      expect(seen.get(key), `partition ${key} owned by ${seen.get(key)} and ${m.memberId} at version ${group!.version}`).toBeUndefined();
      seen.set(key, m.memberId);
    }
  }
}

/** Read the group item after a heartbeat, check the invariant, and remember every version seen. */
export class Observer {
  readonly versions = new Map<number, GroupState>();
  constructor(
    readonly broker: Broker,
    readonly groupId: string,
  ) {}
  async observe(): Promise<GroupState> {
    const { group } = await readGroup(this.broker, this.groupId);
    expectExclusive(group);
    if (group) this.versions.set(group.version, group);
    return group!;
  }
}

/** Who owns what: "topic-p" → memberId, from the members' own view. */
export function ownership(members: TestMember[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of members) {
    for (const [t, p] of pairs(m.owned)) {
      expect(out.has(`${t}-${p}`), `${t}-${p} believed owned by two members`).toBe(false);
      out.set(`${t}-${p}`, m.memberId);
    }
  }
  return out;
}

/** Heartbeat every member in turn until the group is STABLE with every partition owned. */
export async function settle(members: TestMember[], observer: Observer, now: number, partitions: number, rounds = 10): Promise<void> {
  for (let r = 0; r < rounds; r++) {
    for (const m of members) {
      await m.heartbeat(now);
      await observer.observe();
    }
    const group = await observer.observe();
    const stable = Object.values(group.members).every((m) => m.memberEpoch === group.assignmentEpoch && Object.keys(m.revoking).length === 0);
    if (stable && ownership(members).size === partitions) return;
  }
  throw new Error(`group did not settle in ${rounds} rounds`);
}
