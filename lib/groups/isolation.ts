import type { IsolationLevel } from '../broker/fetch';
import type { GroupMember, GroupState } from './types';

/**
 * Which end a group's lag is measured to (docs/GROUPS.md, "Lag and status"). Kafka's coordinator
 * does not know its consumers' isolation.level, so kafka-consumer-groups.sh measures to the high
 * watermark while a read_committed consumer's own records-lag metric measures to the last stable
 * offset. Brook's members say their level in their heartbeats (`isolation_level`), so lag answers
 * what the consumer itself would.
 */

/** The level the members declare: read_committed if any reads committed; undefined when none said. */
export function declaredIsolation(members: GroupMember[]): IsolationLevel | undefined {
  const said = members.map((m) => m.isolationLevel).filter((l) => l !== undefined);
  if (said.length === 0) return undefined;
  return said.includes('read_committed') ? 'read_committed' : 'read_uncommitted';
}

/**
 * The level one committed partition's lag is measured at: the one the caller asks for (the lag
 * routes' `isolation_level`, the CLI's --isolation-level), else its owner's, else the group's,
 * else read_uncommitted (the high watermark, as Kafka's tools measure).
 */
export const lagIsolation = (group: GroupState, owner: GroupMember | undefined, asked?: IsolationLevel): IsolationLevel =>
  asked ?? owner?.isolationLevel ?? group.isolationLevel ?? 'read_uncommitted';
