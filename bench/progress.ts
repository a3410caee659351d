/**
 * A progress bar on a terminal (cli-progress), plain "[3/40] phase" lines otherwise, so a run
 * piped to a file still shows where it is.
 */
import cliProgress from 'cli-progress';

export class Progress {
  private readonly bar?: cliProgress.SingleBar;
  private value = 0;

  constructor(private readonly total: number) {
    if (process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: ' {bar} {percentage}% | {value}/{total} | {duration_formatted} elapsed, ETA {eta_formatted} | {phase}', hideCursor: true, etaBuffer: 8 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, 0, { phase: 'starting' });
    }
  }

  /** Say what runs now. */
  phase(name: string): void {
    if (this.bar) this.bar.update({ phase: name });
    else process.stderr.write(`[${this.value + 1}/${this.total}] ${name}\n`);
  }

  /** One unit of work finished. */
  tick(): void {
    this.value++;
    this.bar?.update(this.value);
  }

  stop(): void {
    this.bar?.stop();
  }
}
