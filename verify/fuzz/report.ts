/** The fuzz report as text: the summary, and for a failure what to send again and how. */
import type { FuzzRequest } from './arbitraries';
import type { FuzzReport, Violation } from './run';

const WATCHED_WRITES = ['s3:PutObject', 'dynamodb:TransactWriteItems', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

export function formatReport(r: FuzzReport): string {
  const lines: string[] = [];
  const secs = r.durationMs / 1000;
  lines.push(`Brook hostile-input fuzz: seed ${r.seed}, ${r.sent} requests in ${secs.toFixed(1)} s (${Math.round(r.sent / Math.max(secs, 0.001))} requests/s)`);
  lines.push('', 'Requests per route:');
  for (const [route, n] of Object.entries(r.byRoute).sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(6)}  ${route}`);
  if (r.unspecificRoutes.length) lines.push(`  (no specific generator, fuzzed through path parameters only: ${r.unspecificRoutes.join(', ')})`);
  lines.push('', `Status codes: ${Object.entries(r.statuses).sort().map(([s, n]) => `${s} ×${n}`).join(', ')}`);
  lines.push(`5xx answers: ${r.serverErrors}   exceptions: ${r.byKind.exception ?? 0}   timeouts: ${r.byKind.timeout ?? 0}   2xx/3xx answers: ${r.byKind.accepted ?? 0}   malformed error bodies: ${r.byKind['bad error body'] ?? 0}`);
  const writes = { ...Object.fromEntries(WATCHED_WRITES.map((w) => [w, 0])), ...r.writes };
  lines.push(`Write requests while fuzzing: ${Object.entries(writes).map(([w, n]) => `${w.split(':')[1]} ${n}`).join(', ')}`);
  lines.push(`State changes (heads of ${r.fixtures.map((t) => t.name).join(', ')} and the topic list, checked every ${r.checkEvery} requests and at the end): ${r.stateChanges}`);
  lines.push('', r.ok ? `PASS: 0 violations (seed ${r.seed})` : `FAIL: ${r.violationCount} violations (seed ${r.seed})`);
  if (!r.ok) {
    lines.push('', 'Violations by kind and route (first of each):');
    for (const g of r.groups) {
      const example = g.first.request ? `${g.first.request.why}${g.kind === 'write' ? ` => ${g.first.detail}` : ''}` : g.first.detail;
      const after = g.first.afterStateChange ? ` [after request #${r.firstStateChange} changed the state: may be a consequence]` : '';
      lines.push(`  ${String(g.count).padStart(5)}  ${g.kind.padEnd(14)} ${g.route}${after}`, `         e.g. #${g.first.index}: ${example.slice(0, 300)}`);
    }
    const first = r.violations[0]!;
    lines.push('', 'First violation:', ...describeViolation(first).map((l) => `  ${l}`));
    if (r.replay === undefined) lines.push('', `Rerun the whole sequence: npm run fuzz -- --seed ${r.seed} --requests ${r.requests}`);
    if (first.request) lines.push(`${r.replay === undefined ? '' : '\n'}Send only this request:   npm run fuzz -- --seed ${r.seed} --replay ${first.index}`);
  }
  return lines.join('\n');
}

export function describeViolation(v: Violation): string[] {
  const out = [`${v.kind} at request #${v.index}: ${v.detail}${v.afterStateChange ? ' (sent after the state had changed)' : ''}`];
  if (v.request) out.push(...describeRequest(v.request));
  if (v.answer) out.push(`answer: ${v.answer}`);
  if (v.log) out.push(`server log: ${v.log.slice(0, 1500)}`);
  return out;
}

export function describeRequest(req: FuzzRequest): string[] {
  const path = req.path.length > 300 ? `${req.path.slice(0, 300)}... (${req.path.length} characters)` : req.path;
  const out = [`route:   ${req.route}`, `invalid: ${req.why}`, `request: ${req.method} ${path}`];
  for (const [k, v] of Object.entries(req.headers)) out.push(`header:  ${k}: ${v}`);
  if (typeof req.body === 'string') out.push(`body:    ${JSON.stringify(req.body.slice(0, 400))}${req.body.length > 400 ? ` ... (${req.body.length} characters)` : ''}`);
  else if (req.body) out.push(`body:    hex ${Buffer.from(req.body.subarray(0, 120)).toString('hex')}${req.body.length > 120 ? ` ... (${req.body.length} bytes)` : ` (${req.body.length} bytes)`}`);
  return out;
}
