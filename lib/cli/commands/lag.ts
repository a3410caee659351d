// brook lag: a group's lag summary and its Burrow-style status (OK, WARNING, ERROR) with each
// committed partition's status (OK, WARNING, STOP, STALL, REWIND), from one GET …/status. For
// read_committed consumers LOG-END-OFFSET is the last stable offset (--isolation-level overrides).
import type { Command } from 'commander';
import { action, isolationLevel, ISOLATION_HELP, type Ctx, type Opts } from '../command';
import { clusterPath, connect, withConnection } from '../connection';
import { println } from '../io';
import { MISSING, table } from '../table';
import { kafkaState } from './groups-describe';

interface PartitionStatus {
  topic_name: string;
  partition_id: number;
  status: string;
  current_offset: number;
  log_end_offset: number;
  lag: number;
  consumer_id: string;
  client_id: string;
}

interface GroupStatus {
  state: string;
  status: string;
  complete: number;
  partition_count: number;
  max_lag: number;
  total_lag: number;
  maxlag: PartitionStatus | null;
  partitions: PartitionStatus[];
}

export function registerLag(cmd: Command, ctx: Ctx): void {
  withConnection(cmd.requiredOption('--group <group>', 'the group').option('--isolation-level <level>', ISOLATION_HELP, isolationLevel));
  action(cmd, (opts) => lag(ctx, opts));
}

async function lag(ctx: Ctx, opts: Opts): Promise<void> {
  const { http } = await connect(ctx, opts);
  const s = await http.json<GroupStatus>({ method: 'GET', path: `${clusterPath('consumer-groups', opts.group)}/status`, query: { isolation_level: opts.isolationLevel } });
  const m = s.maxlag;
  const summary = table(
    ['GROUP', 'STATE', 'STATUS', 'PARTITIONS', 'TOTAL-LAG', 'MAX-LAG', 'MAX-LAG-PARTITION', 'MAX-LAG-CONSUMER-ID', 'COMPLETE'],
    [[opts.group, kafkaState(s.state), s.status, s.partition_count, s.total_lag, s.max_lag, m ? `${m.topic_name}-${m.partition_id}` : MISSING, m?.consumer_id || MISSING, `${Math.round(s.complete * 100)}%`]],
    [15],
  );
  const partitions = table(
    ['TOPIC', 'PARTITION', 'STATUS', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'CLIENT-ID'],
    s.partitions.map((p) => [p.topic_name, p.partition_id, p.status, p.current_offset, p.log_end_offset, p.lag, p.consumer_id || MISSING, p.client_id || MISSING]),
    [15, 10, 8, 15, 15, 15, 15],
  );
  println(ctx.io.stdout, ...summary, ...(s.partitions.length ? ['', ...partitions] : []));
}
