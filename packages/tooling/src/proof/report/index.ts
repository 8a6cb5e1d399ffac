import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, platform, release, totalmem } from "node:os";
import { join } from "node:path";

// The benchmark report writer: every figure next to the limit it is judged
// against, both measured in the same run on the same machine (BRIEF §5), as
// REPORT.md, report.json and report.svg (a bar chart of the ratios, drawn here:
// no network, no chart library) in docs/benchmark/ by default. `pnpm bench`
// (bench/main.ts) collects the figures and calls `writeReport`.

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** What the figure is judged against, measured in the same run. */
  limit?: {
    name: string;
    value: number;
    unit: string;
    /** A budget or target, not a measurement of this run: shown as such. */
    fixed?: boolean;
  };
  /** value ÷ limit, unless given (e.g. when the ratio is of rates in different units). */
  ratio?: number;
  note?: string;
  /** Whether the figure meets the issue's target (stated in the note); colours the chart. */
  meets?: boolean;
}

export interface Machine {
  cpus: string;
  cores: number;
  memoryGb: number;
  freeMemoryGb: number;
  os: string;
  node: string;
  date: string;
}

export const machine = (): Machine => ({
  cpus: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGb: Number((totalmem() / 2 ** 30).toFixed(1)),
  freeMemoryGb: Number((freemem() / 2 ** 30).toFixed(1)),
  os: `${platform()} ${release()}`,
  node: process.version,
  date: new Date().toISOString(),
});

const ratioOf = (f: Figure) =>
  f.ratio ?? (f.limit && f.limit.value !== 0 ? f.value / f.limit.value : undefined);
/** A figure as the report prints it: integers whole, else 3 significant-ish digits. */
export const num = (n: number) =>
  Number.isInteger(n)
    ? String(n)
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);
const withUnit = (n: number, unit: string) => (unit ? `${num(n)} ${unit}` : num(n));
/** Two decimals, or two significant digits below 0.1 (0.0042, not 0.00). */
export const ratioText = (r: number) =>
  r === 0 || Math.abs(r) >= 0.1 ? r.toFixed(2) : r.toPrecision(2);
const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

/** How the report was produced, so anyone can run it again. */
export interface Provenance {
  /** The exact command line, e.g. `pnpm bench --soak-orders 500 --soak-kills 3`. */
  command: string;
  /** The git commit measured, with "(uncommitted changes)" when the tree was dirty. */
  commit?: string;
  /** Wall-clock seconds the whole run took. */
  seconds?: number;
}

export function renderMarkdown(
  figures: Figure[],
  host: Machine,
  missing: string[] = [],
  provenance?: Provenance,
) {
  const lines = ["# Benchmark report", ""];
  if (provenance) {
    lines.push(
      `Produced by \`${provenance.command}\`${provenance.commit ? ` at commit ${provenance.commit}` : ""}${provenance.seconds === undefined ? "" : ` in ${Math.round(provenance.seconds)} s`}.`,
      "",
    );
  }
  lines.push(
    `Measured ${host.date} on ${host.cores}× ${host.cpus}, ${host.memoryGb} GB RAM (${host.freeMemoryGb} GB free), ${host.os}, Node ${host.node}.`,
    "Every figure sits next to its limit measured in the same run (a budget or target that is not a measurement says so); ratios, not absolute numbers, are what carry from one machine to another.",
    "",
  );
  for (const section of [...new Set(figures.map((f) => f.section))]) {
    lines.push(
      `## ${section}`,
      "",
      "| measure | value | limit (same run) | ratio | note |",
      "|---|---|---|---|---|",
    );
    for (const f of figures.filter((x) => x.section === section)) {
      const r = ratioOf(f);
      lines.push(
        `| ${f.name} | ${withUnit(f.value, f.unit)} | ${f.limit ? `${f.limit.name}: ${withUnit(f.limit.value, f.limit.unit)}${f.limit.fixed ? " (fixed)" : ""}` : "—"} | ${r === undefined ? "—" : ratioText(r)} | ${[f.meets === undefined ? "" : f.meets ? "met" : "**missed**", f.note ?? ""].filter(Boolean).join(": ")} |`,
      );
    }
    lines.push("");
  }
  if (missing.length) {
    lines.push("## Not measured in this run", "", ...missing.map((m) => `- ${m}`), "");
  }
  lines.push("![ratios](report.svg)", "");
  return lines.join("\n");
}

/**
 * Every ratio as a bar from the limit (1.0) on a log scale, so 0.05 and 12
 * are both readable; grouped by section; green where the figure meets the
 * issue's target, red where it misses, grey where there is none.
 */
export function renderSvg(figures: Figure[], host: Machine) {
  const measured = figures
    .map((f) => ({ section: f.section, label: f.name, ratio: ratioOf(f), meets: f.meets }))
    .filter(
      (r): r is { section: string; label: string; ratio: number; meets: boolean | undefined } =>
        r.ratio !== undefined && Number.isFinite(r.ratio),
    );
  const width = 980;
  const labelWidth = 420;
  const plotLeft = labelWidth + 56; // room for the labels of bars left of 1.0
  const plotRight = width - 70;
  const barHeight = 18;
  const rowHeight = 24;
  const top = 64;
  const floor = 1e-3; // a ratio of 0 is drawn at the left edge
  const logs = measured.map((r) => Math.log10(Math.max(r.ratio, floor)));
  const lo = Math.floor(Math.min(-0.3, ...logs) * 2) / 2;
  const hi = Math.ceil(Math.max(0.3, ...logs) * 2) / 2;
  const x = (v: number) =>
    plotLeft + ((Math.log10(Math.max(v, floor)) - lo) / (hi - lo)) * (plotRight - plotLeft);
  const colour = (meets: boolean | undefined) =>
    meets === undefined ? "#94a3b8" : meets ? "#16a34a" : "#dc2626";

  const body: string[] = [];
  let y = top;
  for (const section of [...new Set(measured.map((r) => r.section))]) {
    y += 6;
    body.push(
      `<text x="10" y="${y + 13}" font-size="13" font-weight="bold">${escapeXml(section)}</text>`,
    );
    y += rowHeight - 4;
    for (const r of measured.filter((m) => m.section === section)) {
      const end = x(r.ratio);
      const one = x(1);
      const above = r.ratio >= 1;
      body.push(
        `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end" font-size="12">${escapeXml(r.label)}</text>`,
        `<rect x="${Math.min(one, end)}" y="${y}" width="${Math.max(2, Math.abs(end - one))}" height="${barHeight}" fill="${colour(r.meets)}"/>`,
        `<text x="${above ? Math.max(one, end) + 6 : Math.min(one, end) - 6}" y="${y + 13}" text-anchor="${above ? "start" : "end"}" font-size="12">${ratioText(r.ratio)}</text>`,
      );
      y += rowHeight;
    }
  }
  const bottom = y + 4;
  const ticks: string[] = [];
  for (let e = Math.floor(lo); e <= Math.floor(hi); e++) {
    for (const m of hi - lo > 3 ? [1] : [1, 2, 5]) {
      const v = m * 10 ** e;
      if (Math.log10(v) < lo || Math.log10(v) > hi) continue;
      const tx = x(v);
      ticks.push(
        `<line x1="${tx}" y1="${top}" x2="${tx}" y2="${bottom}" stroke="${v === 1 ? "#111" : "#e2e8f0"}"${v === 1 ? ' stroke-dasharray="4 3"' : ""}/>`,
        `<text x="${tx}" y="${bottom + 14}" text-anchor="middle" font-size="11"${v === 1 ? ' font-weight="bold"' : ""}>${Number(v.toPrecision(1))}</text>`,
      );
    }
  }
  const legendY = bottom + 36;
  const legend = [
    ["#16a34a", "meets the issue's target"],
    ["#dc2626", "misses it"],
    ["#94a3b8", "no target"],
  ]
    .map(
      ([fill, text], i) =>
        `<rect x="${10 + i * 200}" y="${legendY - 10}" width="12" height="12" fill="${fill}"/><text x="${28 + i * 200}" y="${legendY}" font-size="12">${escapeXml(text!)}</text>`,
    )
    .join("");
  const height = legendY + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Figure ÷ its limit measured in the same run (${escapeXml(`${host.cores}× ${host.cpus}`)}, ${escapeXml(host.date.slice(0, 10))})</text>`,
    `<text x="10" y="42" font-size="12" fill="#475569">Log scale; a bar starts at 1 (= the limit) and ends at the ratio. Figures without a limit are in REPORT.md only.</text>`,
    ...ticks,
    ...body,
    legend,
    "</svg>",
  ].join("\n");
}

export function writeReport(
  figures: Figure[],
  options: {
    outDir: string;
    missing?: string[];
    host?: Machine;
    provenance?: Provenance;
    extra?: Record<string, unknown>;
  },
) {
  const host = options.host ?? machine();
  mkdirSync(options.outDir, { recursive: true });
  const files = {
    markdown: join(options.outDir, "REPORT.md"),
    json: join(options.outDir, "report.json"),
    chart: join(options.outDir, "report.svg"),
  };
  writeFileSync(files.markdown, renderMarkdown(figures, host, options.missing, options.provenance));
  writeFileSync(
    files.json,
    `${JSON.stringify(
      {
        ...(options.provenance ? { provenance: options.provenance } : {}),
        machine: host,
        figures: figures.map((f) => ({ ...f, ratio: ratioOf(f) ?? null })),
        missing: options.missing ?? [],
        ...options.extra,
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(files.chart, renderSvg(figures, host));
  return files;
}
