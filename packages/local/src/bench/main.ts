// `pnpm bench`: local cloud overheads next to the raw engine operations of the
// same run. benchEventBridge()/benchStepFunctions() join this table later.
import { type BenchRow, benchHops, benchStartToHealthy } from "./local-cloud";
import { benchPipeline, formatPipelineBench } from "./pipeline";

const rows: BenchRow[] = [];
rows.push(await benchStartToHealthy());
rows.push(...(await benchHops()));

const pad = (s: string, n: number) => s.padEnd(n);
console.log(`${pad("measure", 40)} ${pad("median ms", 10)} ${pad("baseline", 30)} ratio`);
for (const r of rows) {
  const ratio = r.baselineMs ? (r.medianMs / r.baselineMs).toFixed(2) : "";
  console.log(
    `${pad(r.name, 40)} ${pad(r.medianMs.toFixed(2), 10)} ${pad(r.baselineName ? `${r.baselineName} ${r.baselineMs!.toFixed(2)}` : "", 30)} ${ratio}`,
  );
}

console.log("\npipeline (local cloud, end to end)");
for (const line of formatPipelineBench(await benchPipeline())) console.log(`  ${line}`);
process.exit(0);
