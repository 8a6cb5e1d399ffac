import { useEffect, useRef, useState } from "react";
import type { QueueDepth } from "../../../lib/admin-types";

const SAMPLES = 24;

/** Keeps the last samples of each queue's depth, one per refresh, for the trend lines. */
export function useDepthHistory(queues: QueueDepth[] | undefined, updatedAt: number) {
  const history = useRef(new Map<string, number[]>());
  const [, setVersion] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a refetch with equal data keeps the same reference (structural sharing); updatedAt still marks a new sample
  useEffect(() => {
    if (!queues) return;
    for (const q of queues) {
      const series = history.current.get(q.name) ?? [];
      history.current.set(q.name, [...series, q.visible + q.inFlight].slice(-SAMPLES));
    }
    setVersion((v) => v + 1);
  }, [queues, updatedAt]);
  return history.current;
}
