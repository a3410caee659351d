/**
 * Work a request starts but does not wait for before answering: moving the publishedThrough hint
 * after a publish (RFC 0003), which readers would otherwise do. Failures are ignored (it is a hint);
 * tests and the local server's shutdown can wait for it with `settled()`. In Lambda, work still
 * pending when the handler returns resumes on the next invocation or is dropped; both are harmless.
 */
export class Background {
  private readonly pending = new Set<Promise<unknown>>();

  run(work: () => Promise<unknown>): void {
    const p: Promise<unknown> = work()
      .catch(() => undefined)
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
