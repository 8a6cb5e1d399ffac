import { readdirSync, readFileSync } from "node:fs";

// CPU time spent, from Linux's /proc: the whole machine's busy time (every
// core, every process) and one process's own. A benchmark divides them by the
// work done in the same window to say what each unit of work cost the machine,
// and how much of that was one engine's. Elsewhere than Linux: undefined.

export interface CpuSpent {
  /** Busy CPU time of the whole machine, all cores, in ms. */
  machineMs: number;
  /** CPU time of the process, in ms. */
  processMs: number;
  /**
   * Of that, its JIT compiler threads' (a JVM's "C1/C2 CompilerThread"): they
   * compile at their own pace while the JVM warms, whatever it serves, so their
   * CPU lands on whatever runs meanwhile. A compiler thread that exited within
   * the window is not counted (HotSpot may stop idle ones): never more than spent.
   */
  jitMs: number;
}

/** HotSpot's compiler threads, as Linux cuts their names to 15 characters. */
const JIT_THREAD = /CompilerThre/;

/** Linux's USER_HZ: /proc counts CPU time in ticks of 10 ms. */
const TICK_MS = 10;

function sample(pid: number): (Omit<CpuSpent, "jitMs"> & { jit: Map<string, number> }) | undefined {
  try {
    // cpu  user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait.
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/);
    const n = ticks.map(Number);
    const busy = n.reduce((a, b) => a + b, 0) - (n[3] ?? 0) - (n[4] ?? 0);
    // /proc/<pid>/stat: fields after the parenthesised name; utime and stime are the 14th and 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const own = Number(fields[11]) + Number(fields[12]);
    const jit = new Map<string, number>();
    for (const [tid, { name, ms }] of threadSample(pid) ?? [])
      if (JIT_THREAD.test(name)) jit.set(tid, ms);
    return { machineMs: busy * TICK_MS, processMs: own * TICK_MS, jit };
  } catch {
    return undefined;
  }
}

/** Starts counting; the returned function gives the CPU spent since. */
export function cpuMeter(pid: number): () => CpuSpent | undefined {
  const start = sample(pid);
  return () => {
    const end = sample(pid);
    if (!start || !end) return undefined;
    let jitMs = 0;
    for (const [tid, ms] of end.jit) jitMs += ms - (start.jit.get(tid) ?? 0);
    return {
      machineMs: end.machineMs - start.machineMs,
      processMs: end.processMs - start.processMs,
      jitMs,
    };
  };
}

/** CPU time of each of a process's live threads, in ms, by thread id and name. */
function threadSample(
  pid: number = process.pid,
): Map<string, { name: string; ms: number }> | undefined {
  try {
    const threads = new Map<string, { name: string; ms: number }>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
        threads.set(tid, { name: tid === String(pid) ? "main" : name, ms });
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return threads;
  } catch {
    return undefined;
  }
}

/**
 * Starts counting this process's CPU by thread; the returned function gives
 * the ms each thread name spent since ("main" for the main thread; Node names
 * V8's GC and compiler threads "V8Worker", and the Lambda runner its
 * environments "lambda:<function>", cut by Linux to 15 characters). A thread
 * that ended meanwhile is not counted. Elsewhere than Linux: undefined.
 */
export function threadCpuMeter(): () => Map<string, number> | undefined {
  const start = threadSample();
  return () => {
    const end = threadSample();
    if (!start || !end) return undefined;
    const spent = new Map<string, number>();
    for (const [tid, { name, ms }] of end)
      spent.set(name, (spent.get(name) ?? 0) + ms - (start.get(tid)?.ms ?? 0));
    return spent;
  };
}
