// Kafka's max.poll.interval.ms for a consumer whose handlers are called, not polled for: each
// eachMessage / eachBatch call is timed, and one running longer than the limit makes the member
// leave the group (group-member.ts) until it returns, as the Java client does when poll() is late.
export class PollTimer {
  private readonly running = new Map<object, number>();

  constructor(
    private readonly limitMs: number,
    /** Called whenever a call returns and none is overdue. */
    private readonly caughtUp: () => void,
  ) {}

  /** Runs one handler call; `touch` (the payload's heartbeat()) restarts its clock. */
  async track<T>(fn: (touch: () => void) => Promise<T>): Promise<T> {
    const token = {};
    this.running.set(token, Date.now());
    try {
      return await fn(() => this.running.set(token, Date.now()));
    } finally {
      this.running.delete(token);
      if (!this.overdue()) this.caughtUp();
    }
  }

  /** Some call has run longer than the limit. */
  overdue(): boolean {
    const limit = Date.now() - this.limitMs;
    return [...this.running.values()].some((t) => t < limit);
  }
}
