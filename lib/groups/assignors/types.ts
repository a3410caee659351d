import type { Assignment } from '../types';

export interface AssignorMember {
  memberId: string;
  instanceId?: string;
  /** The member's subscription, resolved to existing topic names. */
  topics: string[];
}

export interface AssignorInput {
  members: AssignorMember[];
  /** topic → partition count, for every topic some member subscribes to. */
  partitionsCount: Record<string, number>;
  /** The current target assignment: sticky assignors keep what they can of it. */
  previous: Record<string, Assignment>;
}

/** A server-side assignor: a pure function from members and topics to each member's target. */
export type Assignor = (input: AssignorInput) => Record<string, Assignment>;
