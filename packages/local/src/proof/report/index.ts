import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, freemem, platform, release, totalmem } from "node:os";
import { join } from "node:path";

// The benchmark report writer: every figure next to the limit it is judged
// against, both measured in the same run on the same machine (BRIEF §5), as
// bench/REPORT.md, bench/report.json and bench/report.svg (a bar chart of the
// ratios, drawn here: no network, no chart library). `pnpm bench` (bench/main.ts)
// or proof/report/run.ts collect the figures and call `writeReport`.

export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  /** What the figure is judged against, measured in the same run. */
  limit?: { name: string; value: number; unit: string };
  /** value ÷ limit, unless given (e.g. when the ratio is of rates in different units). */
  ratio?: number;
  note?: string;
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
const num = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);

export function renderMarkdown(figures: Figure[], host: Machine, missing: string[] = []) {
  const lines = [
    "# Benchmark report",
    "",
    `Measured ${host.date} on ${host.cores}× ${host.cpus}, ${host.memoryGb} GB RAM (${host.freeMemoryGb} GB free), ${host.os}, Node ${host.node}.`,
    "Every figure sits next to its limit measured in the same run; ratios, not absolute numbers, are what carry from one machine to another.",
    "",
  ];
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
        `| ${f.name} | ${num(f.value)} ${f.unit} | ${f.limit ? `${f.limit.name}: ${num(f.limit.value)} ${f.limit.unit}` : "—"} | ${r === undefined ? "—" : r.toFixed(2)} | ${f.note ?? ""} |`,
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

/** Horizontal bars of every ratio, a line at 1.0 (= the limit). */
export function renderSvg(figures: Figure[], host: Machine) {
  const rows = figures
    .map((f) => ({ label: `${f.section}: ${f.name}`, ratio: ratioOf(f) }))
    .filter(
      (r): r is { label: string; ratio: number } =>
        r.ratio !== undefined && Number.isFinite(r.ratio),
    );
  const width = 900;
  const labelWidth = 430;
  const barHeight = 22;
  const top = 50;
  const height = top + rows.length * (barHeight + 6) + 40;
  const max = Math.max(1.2, ...rows.map((r) => r.ratio)) * 1.1;
  const x = (v: number) => labelWidth + (v / max) * (width - labelWidth - 60);
  const bars = rows.map((r, i) => {
    const y = top + i * (barHeight + 6);
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="12">${escapeXml(r.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${Math.max(1, x(r.ratio) - labelWidth)}" height="${barHeight}" fill="${r.ratio <= 1 ? "#3b82f6" : "#f59e0b"}"/>`,
      `<text x="${x(r.ratio) + 6}" y="${y + 15}" font-size="12">${r.ratio.toFixed(2)}</text>`,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Figure ÷ its limit, same run (${escapeXml(`${host.cores}× ${host.cpus}`)}, ${escapeXml(host.date.slice(0, 10))})</text>`,
    ...bars,
    `<line x1="${x(1)}" y1="${top - 8}" x2="${x(1)}" y2="${height - 30}" stroke="#111" stroke-dasharray="4 3"/>`,
    `<text x="${x(1)}" y="${height - 14}" text-anchor="middle" font-size="11">1.0 = the limit</text>`,
    "</svg>",
  ].join("\n");
}

export function writeReport(
  figures: Figure[],
  options: { outDir: string; missing?: string[]; host?: Machine; extra?: Record<string, unknown> },
) {
  const host = options.host ?? machine();
  mkdirSync(options.outDir, { recursive: true });
  const files = {
    markdown: join(options.outDir, "REPORT.md"),
    json: join(options.outDir, "report.json"),
    chart: join(options.outDir, "report.svg"),
  };
  writeFileSync(files.markdown, renderMarkdown(figures, host, options.missing));
  writeFileSync(
    files.json,
    `${JSON.stringify(
      {
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
