import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonl } from '../../verify/chaos/history';
import { summarize } from '../../verify/chaos/report';
import { runChaos } from '../../verify/chaos/runner';

/**
 * Short seeded chaos runs (npm run chaos, in-process): own emulators, the chaos server as a child
 * process killed with SIGKILL at least once, faults of every kind. Seeds picked for their
 * schedules: 27 has fail-before, fail-after on PutObject and TransactWriteItems, throttles,
 * latency and two kills; 28 has three lost-reply windows and throttles. Both run the default
 * workload, transactional producers and read_committed fetchers included, with the seal time at
 * 3 s (the server's 10 s would make a range leaked by a kill hold up the end of the run that
 * long). Seed 4 runs the hot-partition workload: 12 plain producers and the idempotent one on one
 * partition, seal time 1.5 s, commits held 0.6 s and 2.6 s, lost reservation replies, two kills.
 * About 14–20 s each on an idle two-core machine (emulator start, the run, the end of the run).
 */
const RUNS: Array<{ seed: number; hotPartition: boolean; sealAfterMs?: number }> = [
  { seed: 27, hotPartition: false, sealAfterMs: 3_000 },
  { seed: 28, hotPartition: false, sealAfterMs: 3_000 },
  { seed: 4, hotPartition: true },
];
const DURATION_MS = 8_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('chaos: short seeded runs', () => {
  for (const { seed, hotPartition, sealAfterMs } of RUNS) {
    const what = hotPartition ? 'hot partition: many writers, slow and lost commits, seals' : 'faults, kill -9 and fetcher crashes lose nothing, transactions stay atomic';
    it(`seed ${seed}: ${what}`, async () => {
      const outDir = mkdtempSync(join(tmpdir(), `brook-chaos-test-${seed}-`));
      const lines: string[] = [];
      const result = await runChaos({ seed, durationMs: DURATION_MS, outDir, hotPartition, sealAfterMs, log: (l) => lines.push(l) });
      const { stats } = result.report;
      if (!result.ok) console.error(`${lines.join('\n')}\n${summarize(seed, result.report, result.elapsedMs)}\nhistory: ${outDir}`);

      expect(result.report.anomalies).toEqual([]);
      // Work got done, also by a restarted server (few acks on a loaded machine; never none).
      const events = parseJsonl(readFileSync(join(outDir, 'history.jsonl'), 'utf8'));
      const firstKill = events.find((e) => e.type === 'server-kill');
      expect(firstKill).toBeDefined();
      expect(events.filter((e) => e.type === 'ack' && e.t > firstKill!.t).length).toBeGreaterThan(0);
      expect(stats.faultsInjected).toBeGreaterThan(0);
      expect(stats.serverKills).toBeGreaterThanOrEqual(1);
      expect(stats.serverStarts).toBeGreaterThan(stats.serverKills);
      expect(stats.readerCrashes).toBeGreaterThanOrEqual(1);
      if (hotPartition) {
        expect(result.report.workload).toMatchObject({ mode: 'hot-partition', partitions: 1, producers: 12, sealAfterMs: 1500 });
        expect(stats.highWatermarks[0]).toBeGreaterThan(0);
        // Slow writers and kills between reservation and publish left ranges that readers sealed.
        expect(stats.explicitGaps + stats.sealedWrites).toBeGreaterThan(0);
      } else {
        // Every transactional producer got through at least one transaction; both isolation levels read.
        expect(stats.txn?.transactions).toBeGreaterThanOrEqual(3);
        expect(stats.txn!.markers.commit + stats.txn!.markers.abort).toBeGreaterThan(0);
        expect(stats.txn!.reads.committed).toBeGreaterThan(0);
        expect(stats.txn!.reads.uncommitted).toBeGreaterThan(0);
      }

      // Nothing of the run is left: no emulator (their command lines name the data dir), no server.
      expect(spawnSync('pgrep', ['-f', result.dataDir], { encoding: 'utf8' }).stdout.trim()).toBe('');
      const pids = events.flatMap((e) => (e.type === 'server-start' ? [e.pid] : []));
      expect(pids.length).toBe(stats.serverStarts);
      expect(pids.filter(alive)).toEqual([]);
      if (result.ok) rmSync(outDir, { recursive: true, force: true });
    }, 120_000);
  }
});
