import { BrookError } from '../../errors';
import { ASSIGNORS, DEFAULT_ASSIGNOR, type AssignorName, type GroupMember } from '../types';
import { rangeAssignor } from './range';
import type { Assignor } from './types';
import { uniformAssignor } from './uniform';

export const ASSIGNOR_IMPLEMENTATIONS: Record<AssignorName, Assignor> = { uniform: uniformAssignor, range: rangeAssignor };

export function parseAssignor(name: string): AssignorName {
  if (!(ASSIGNORS as readonly string[]).includes(name)) {
    throw new BrookError('UNSUPPORTED_ASSIGNOR', `Assignor '${name}' is not supported; use one of: ${ASSIGNORS.join(', ')}.`);
  }
  return name as AssignorName;
}

/**
 * The group's assignor, as Kafka chooses it: the one most members ask for (server_assignor);
 * the default when none asks; a tie goes to the default, else to the first name alphabetically.
 */
export function preferredAssignor(members: GroupMember[]): AssignorName {
  const votes = new Map<AssignorName, number>();
  for (const m of members) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
  if (votes.size === 0) return DEFAULT_ASSIGNOR;
  const most = Math.max(...votes.values());
  const tied = [...votes].filter(([, n]) => n === most).map(([name]) => name);
  return tied.includes(DEFAULT_ASSIGNOR) ? DEFAULT_ASSIGNOR : tied.sort()[0]!;
}
