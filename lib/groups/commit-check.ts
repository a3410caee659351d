import { BrookError } from '../errors';
import { has } from './assignment';
import { currentAssignment } from './group-state';
import type { GroupState } from './types';

export const MAX_OFFSET_METADATA_LENGTH = 4096; // Kafka's offset.metadata.max.bytes

/**
 * May this member commit these partitions? (KIP-848's OffsetCommit check, plus ownership.) It must
 * be in the group at exactly this epoch, and each partition must be in its current assignment
 * (those pending revocation included, so onPartitionsRevoked can commit before letting go).
 */
export function checkCommitter(group: GroupState | undefined, groupId: string, memberId: string, memberEpoch: number, partitions: Array<[string, number]>): void {
  if (!group) throw new BrookError('GROUP_ID_NOT_FOUND', `Consumer group '${groupId}' does not exist; a member must join it before committing.`);
  const m = group.members[memberId];
  if (!m) throw new BrookError('UNKNOWN_MEMBER_ID', `Member ${memberId} is not in group '${groupId}' (it left or missed its session timeout); its commit is rejected. Rejoin with member_epoch 0.`);
  if (m.memberEpoch !== memberEpoch) {
    throw new BrookError('STALE_MEMBER_EPOCH', `Member ${memberId} is at epoch ${m.memberEpoch}, not ${memberEpoch}; heartbeat to learn the current epoch and commit again.`);
  }
  const current = currentAssignment(m);
  const notOwned = partitions.filter(([t, p]) => !has(current, t, p));
  if (notOwned.length > 0) {
    throw new BrookError(
      'STALE_MEMBER_EPOCH',
      `Member ${memberId} does not own ${notOwned.slice(0, 5).map(([t, p]) => `${t}-${p}`).join(', ')}${notOwned.length > 5 ? ', …' : ''}; only a partition's current owner may commit it.`,
    );
  }
}

/** A group without a member id (a "simple" consumer or an admin) may only commit while the group has no members. */
export function checkSimpleCommit(group: GroupState | undefined, groupId: string): void {
  const members = Object.keys(group?.members ?? {});
  if (members.length > 0) {
    throw new BrookError('UNKNOWN_MEMBER_ID', `Group '${groupId}' has ${members.length} member(s); only its members may commit, with their member_id and member_epoch.`);
  }
}
