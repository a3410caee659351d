/**
 * The bench chart as a hand-made SVG string (no chart library): grouped bars of Brook's routes
 * against the baseline, throughput and latency (p50 bar, p99 whisker), on log scales because the
 * cells span three orders of magnitude.
 */
import type { Analysis } from './analysis';
import { sizeLabel } from './workloads/common';

interface Series {
  name: string;
  color: string;
}

interface Bar {
  value: number;
  /** Drawn as a whisker above the bar (p99 over a p50 bar). */
  whisker?: number;
}

interface Group {
  label: string;
  sublabel: string;
  /** A third line under the group, e.g. "binary ÷ base 0.69×". */
  note?: string;
  bars: Array<Bar | undefined>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 0.1 ? x.toFixed(2) : x.toPrecision(2));

function panel(o: { x: number; y: number; width: number; height: number; title: string; unit: string; series: Series[]; groups: Group[] }): string {
  const values = o.groups.flatMap((g) => g.bars.flatMap((b) => (b ? [b.value, b.whisker ?? b.value] : []))).filter((v) => v > 0 && Number.isFinite(v));
  if (values.length === 0) return '';
  const lo = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  // Legend on the title line when both fit (~6.5 px per character of 11 px text, ~8 of the 15 px title), else below it.
  const widths = o.series.map((s) => 16 + s.name.length * 6.5 + 14);
  const legendW = widths.reduce((a, b) => a + b, 0);
  const ownLine = 10 + o.title.length * 8 + 20 + legendW > o.width;
  const left = o.x + 60;
  const top = o.y + (ownLine ? 56 : 40);
  const plotW = o.width - 80;
  const plotH = o.height - (ownLine ? 116 : 100);
  const yOf = (v: number) => top + plotH - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const out: string[] = [];
  out.push(`<text x="${o.x + 10}" y="${o.y + 20}" class="title">${esc(o.title)}</text>`);
  let lx = ownLine ? left : o.x + o.width - 10 - legendW;
  const ly = ownLine ? o.y + 30 : o.y + 10;
  o.series.forEach((s, i) => {
    out.push(`<rect x="${lx.toFixed(0)}" y="${ly}" width="12" height="12" fill="${s.color}"/><text x="${(lx + 16).toFixed(0)}" y="${ly + 10}" class="small">${esc(s.name)}</text>`);
    lx += widths[i]!;
  });
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const y = yOf(v);
    out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" class="grid"/><text x="${left - 6}" y="${y + 4}" class="axis" text-anchor="end">${num(v)}</text>`);
  }
  out.push(`<text x="${o.x + 14}" y="${top + plotH / 2}" class="axis" transform="rotate(-90 ${o.x + 14} ${top + plotH / 2})" text-anchor="middle">${esc(o.unit)}</text>`);
  const groupW = plotW / o.groups.length;
  const barW = Math.min(22, (groupW - 10) / o.series.length);
  o.groups.forEach((g, gi) => {
    const gx = left + gi * groupW + (groupW - barW * o.series.length) / 2;
    g.bars.forEach((b, si) => {
      if (!b || !(b.value > 0)) return;
      const x = gx + si * barW;
      const y = yOf(b.value);
      out.push(`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y).toFixed(1)}" fill="${o.series[si]!.color}"><title>${esc(`${o.series[si]!.name} ${g.label} ${g.sublabel}: ${num(b.value)}${b.whisker ? ` (p99 ${num(b.whisker)})` : ''} ${o.unit}`)}</title></rect>`);
      if (b.whisker && b.whisker > b.value) {
        const wy = yOf(b.whisker);
        const cx = x + (barW - 2) / 2;
        out.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y.toFixed(1)}" y2="${wy.toFixed(1)}" class="whisker"/><line x1="${(cx - 4).toFixed(1)}" x2="${(cx + 4).toFixed(1)}" y1="${wy.toFixed(1)}" y2="${wy.toFixed(1)}" class="whisker"/>`);
      }
    });
    const cx = left + gi * groupW + groupW / 2;
    out.push(`<text x="${cx}" y="${top + plotH + 16}" class="small" text-anchor="middle">${esc(g.label)}</text><text x="${cx}" y="${top + plotH + 30}" class="small muted" text-anchor="middle">${esc(g.sublabel)}</text>`);
    if (g.note) out.push(`<text x="${cx}" y="${top + plotH + 44}" class="small note" text-anchor="middle">${esc(g.note)}</text>`);
  });
  return out.join('\n');
}

const ROUTE_COLORS: Record<string, string> = { json: '#7aa6d8', binary: '#1f5fa8', sdk: '#5b3fa0', baseline: '#b8b8b8' };
const FETCH_COLORS: Record<string, string> = { warm: '#1f5fa8', cold: '#d08a2c', raw: '#b8b8b8' };

export function chartSvg(a: Analysis, subtitle: string): string {
  const routes = ['json', 'binary', 'sdk', 'baseline'].filter((r) => a.produce.some((p) => p.route === r));
  const shapes = [...new Map(a.produce.map((p) => [`${p.requestBytes}/${p.partitions}/${p.producers}`, p])).values()];
  const vs = (s: { requestBytes: number; partitions: number; producers: number }, latency: boolean) => {
    const b = a.produce.find((p) => p.route === 'binary' && p.requestBytes === s.requestBytes && p.partitions === s.partitions && p.producers === s.producers)?.vsBaseline;
    return b ? `÷ base ${(latency ? b.p50 : b.throughput).toFixed(2)}×` : undefined;
  };
  const produceGroups = (latency: boolean): Group[] =>
    shapes.map((s) => ({
      label: sizeLabel(s.requestBytes),
      sublabel: `${s.partitions}p × ${s.producers}c`,
      note: vs(s, latency),
      bars: routes.map((r) => {
        const cell = a.produce.find((p) => p.route === r && p.requestBytes === s.requestBytes && p.partitions === s.partitions && p.producers === s.producers);
        if (!cell || cell.load.ops === 0) return undefined;
        return latency ? { value: cell.load.latencyMs.p50, whisker: cell.load.latencyMs.p99 } : { value: cell.load.mibPerSec };
      }),
    }));
  const modes = ['warm', 'cold', 'raw'] as const;
  const fetchShapes = [...new Map(a.fetch.map((f) => [`${f.objectBytes}/${f.consumers}`, f])).values()];
  const fetchGroups = (latency: boolean): Group[] =>
    fetchShapes.map((s) => ({
      label: `${sizeLabel(s.objectBytes)} objects`,
      sublabel: `${s.consumers} consumer${s.consumers > 1 ? 's' : ''}`,
      note: (() => {
        const w = a.fetch.find((f) => f.mode === 'warm' && f.objectBytes === s.objectBytes && f.consumers === s.consumers)?.vsRaw;
        return w ? `warm ÷ raw ${(latency ? w.p50 : w.throughput).toFixed(2)}×` : undefined;
      })(),
      bars: modes.map((m) => {
        const cell = a.fetch.find((f) => f.mode === m && f.objectBytes === s.objectBytes && f.consumers === s.consumers);
        if (!cell || cell.load.ops === 0) return undefined;
        return latency ? { value: cell.load.latencyMs.p50, whisker: cell.load.latencyMs.p99 } : { value: cell.load.mibPerSec };
      }),
    }));
  const width = Math.max(900, 90 * Math.max(shapes.length, fetchShapes.length) + 100);
  const h = 300;
  const produceSeries = routes.map((r) => ({ name: r === 'json' ? 'JSON records:batch' : r === 'binary' ? 'binary /batches' : r === 'sdk' ? 'SDK' : 'baseline (raw)', color: ROUTE_COLORS[r]! }));
  const fetchSeries = modes.map((m) => ({ name: m === 'raw' ? 'raw ranged GETs' : `Brook ${m}`, color: FETCH_COLORS[m]! }));
  // Dollars per GiB produced and consumed once, single partition and producer, by request size.
  const costSeries = [
    { name: 'Brook, API Gateway', color: '#1f5fa8' },
    { name: 'Brook, function URL', color: '#7aa6d8' },
    { name: 'S3+DynamoDB floor', color: '#b8b8b8' },
    { name: 'Kinesis on-demand', color: '#d08a2c' },
    { name: 'MSK Serverless', color: '#8c4a9e' },
  ];
  const costGroups: Group[] = [...new Set(a.produce.map((p) => p.requestBytes))].map((size) => {
    const row = (route: string) => a.produce.find((p) => p.route === route && p.requestBytes === size && p.partitions === 1 && p.producers === 1);
    const bin = row('binary');
    const base = row('baseline');
    const warm = a.fetch.find((f) => f.mode === 'warm' && f.objectBytes === size && f.consumers === 1);
    const raw = a.fetch.find((f) => f.mode === 'raw' && f.objectBytes === size && f.consumers === 1);
    const both = (x?: number, y?: number) => (x !== undefined && y !== undefined ? { value: x + y } : undefined);
    return {
      label: `${sizeLabel(size)} requests`,
      sublabel: '1 partition, read once',
      bars: [
        both(bin?.profile?.apiGateway.total, warm?.profile?.apiGateway.total),
        both(bin?.profile?.functionUrl.total, warm?.profile?.functionUrl.total),
        both(base?.profile?.storageOnly, raw?.profile?.storageOnly),
        both(bin?.kinesisPerGiB, warm?.kinesisPerGiB),
        both(bin?.mskPerGiB, warm?.mskPerGiB),
      ],
    };
  });
  const panels = [
    panel({ x: 0, y: 60, width, height: h, title: 'Produce throughput (payload MiB/s, log scale; blue: binary ÷ baseline)', unit: 'MiB/s', series: produceSeries, groups: produceGroups(false) }),
    panel({ x: 0, y: 60 + h, width, height: h, title: 'Produce latency per request: p50 bar, p99 whisker (ms, log scale; blue: binary p50 ÷ baseline p50)', unit: 'ms', series: produceSeries, groups: produceGroups(true) }),
    panel({ x: 0, y: 60 + 2 * h, width, height: h, title: 'Fetch throughput (batch MiB/s, max_bytes 1 MiB, log scale)', unit: 'MiB/s', series: fetchSeries, groups: fetchGroups(false) }),
    panel({ x: 0, y: 60 + 3 * h, width, height: h, title: 'Fetch latency per request: p50 bar, p99 whisker (ms, log scale)', unit: 'ms', series: fetchSeries, groups: fetchGroups(true) }),
    panel({ x: 0, y: 60 + 4 * h, width, height: h, title: 'Dollars per GiB produced + consumed once (no hourly fees; log scale)', unit: '$ per GiB', series: costSeries, groups: costGroups }),
  ];
  const height = 60 + 5 * h + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">
<style>
  .title { font-size: 15px; font-weight: 600; fill: #222; }
  .head { font-size: 20px; font-weight: 700; fill: #111; }
  .small { font-size: 11px; fill: #333; }
  .muted { fill: #777; }
  .axis { font-size: 10px; fill: #666; }
  .grid { stroke: #e4e4e4; stroke-width: 1; }
  .whisker { stroke: #222; stroke-width: 1.2; }
  .note { fill: #1f5fa8; }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="28" class="head">Brook vs the raw floor on local emulators</text>
<text x="10" y="48" class="small muted">${esc(subtitle)}</text>
${panels.join('\n')}
</svg>
`;
}
