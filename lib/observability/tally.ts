/** Records and bytes attributed to one topic (or to '' when its name is not known). */
export interface Flow {
  records: number;
  bytes: number;
}

export interface TopicTally {
  produced: Flow;
  fetched: Flow;
  commits: number;
  conflicts: number;
}

/**
 * What one invocation did, by topic: filled in by the AWS SDK observer as requests complete,
 * turned into metrics and cleared at the end of the invocation.
 */
export class Tally {
  readonly topics = new Map<string, TopicTally>();

  private of(topic: string): TopicTally {
    let t = this.topics.get(topic);
    if (!t) this.topics.set(topic, (t = { produced: { records: 0, bytes: 0 }, fetched: { records: 0, bytes: 0 }, commits: 0, conflicts: 0 }));
    return t;
  }

  commit(topic: string, records: number, bytes: number): void {
    const t = this.of(topic);
    t.commits++;
    t.produced.records += records;
    t.produced.bytes += bytes;
  }

  conflict(topic: string): void {
    this.of(topic).conflicts++;
  }

  fetched(topic: string, records: number, bytes: number): void {
    const t = this.of(topic);
    t.fetched.records += records;
    t.fetched.bytes += bytes;
  }

  /** The sums over all topics. */
  total(): TopicTally {
    const sum: TopicTally = { produced: { records: 0, bytes: 0 }, fetched: { records: 0, bytes: 0 }, commits: 0, conflicts: 0 };
    for (const t of this.topics.values()) {
      sum.produced.records += t.produced.records;
      sum.produced.bytes += t.produced.bytes;
      sum.fetched.records += t.fetched.records;
      sum.fetched.bytes += t.fetched.bytes;
      sum.commits += t.commits;
      sum.conflicts += t.conflicts;
    }
    return sum;
  }

  reset(): void {
    this.topics.clear();
  }
}
