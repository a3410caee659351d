import type { Broker } from '../broker/context';
import { runMaintenance } from '../maintenance/run';

/** The local server's stand-in for the scheduled maintenance Lambda; 0 turns it off. */
export function scheduleMaintenance(broker: Broker, intervalMs: number): void {
  if (!(intervalMs > 0)) return;
  let running = false;
  const timer = setInterval(async () => {
    if (running) return; // a long run is not joined by a second one
    running = true;
    try {
      const report = await runMaintenance(broker);
      if (report.partitionsTrimmed > 0 || report.objectsDeleted > 0) console.log(`maintenance: ${JSON.stringify(report)}`);
    } catch (err) {
      console.error('maintenance run failed:', (err as Error).message);
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
}
