/**
 * Consumer group settings of a cluster, read from the environment at each call (so tests can
 * shorten them). Names and defaults follow Kafka's where Kafka has them.
 */
export interface GroupSettings {
  /** session.timeout.ms when a member does not send one (Kafka's default: 45 s). */
  sessionTimeoutMs: number;
  /** Bounds on a member's session.timeout.ms (Kafka's group.min/max.session.timeout.ms). */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** heartbeat.interval.ms told to members (capped at a third of their session timeout). */
  heartbeatIntervalMs: number;
  /** rebalanceTimeoutMs (max.poll.interval.ms) when a joining member does not send one. */
  rebalanceTimeoutMs: number;
  /** Most members in one group: the group item must stay well under DynamoDB's 400 KB. */
  maxGroupSize: number;
  /** Burrow window: commits are sampled into `lagSlots` slots of `lagSlotMs` each. */
  lagSlotMs: number;
  lagSlots: number;
}

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}; got '${raw}'.`);
  return n;
};

export function groupSettings(env: NodeJS.ProcessEnv = process.env): GroupSettings {
  return {
    sessionTimeoutMs: int(env, 'BROOK_GROUP_SESSION_TIMEOUT_MS', 45_000),
    minSessionTimeoutMs: int(env, 'BROOK_GROUP_MIN_SESSION_TIMEOUT_MS', 6_000),
    maxSessionTimeoutMs: int(env, 'BROOK_GROUP_MAX_SESSION_TIMEOUT_MS', 1_800_000),
    heartbeatIntervalMs: int(env, 'BROOK_GROUP_HEARTBEAT_INTERVAL_MS', 3_000),
    rebalanceTimeoutMs: int(env, 'BROOK_GROUP_REBALANCE_TIMEOUT_MS', 300_000),
    maxGroupSize: int(env, 'BROOK_GROUP_MAX_SIZE', 100),
    lagSlotMs: int(env, 'BROOK_GROUP_LAG_SLOT_MS', 5_000),
    lagSlots: int(env, 'BROOK_GROUP_LAG_SLOTS', 10, 2),
  };
}

/** What every group operation may be given instead of the real clock and the environment. */
export interface GroupOptions {
  now?: number;
  settings?: GroupSettings;
}

export const resolveOptions = (o: GroupOptions = {}) => ({ now: o.now ?? Date.now(), settings: o.settings ?? groupSettings() });
