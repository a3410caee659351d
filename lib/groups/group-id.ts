import { BrookError } from '../errors';

export const MAX_GROUP_ID_LENGTH = 255;

/** Kafka accepts nearly any group id; Brook keeps it printable, path-safe and key-sized. */
export function validateGroupId(groupId: string): void {
  if (groupId.length === 0 || groupId.length > MAX_GROUP_ID_LENGTH || /[\u0000-\u001f\u007f/]/.test(groupId)) {
    throw new BrookError('INVALID_GROUP_ID', `Invalid group id '${groupId}': use 1 to ${MAX_GROUP_ID_LENGTH} printable characters, without '/'.`);
  }
}
