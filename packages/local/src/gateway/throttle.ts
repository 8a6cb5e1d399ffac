import type { Throttle } from "./types";

// API Gateway's throttling: a token bucket per route, holding up to `burst`
// requests and refilled at `rate` per second. A request finding the bucket
// empty is shed with 429. Time is injected, so tests need no clock.

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limit: Throttle,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.last = now;
  }

  /** Takes one token if there is one; `now` in milliseconds. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.limit.burst, this.tokens + elapsed * this.limit.rate);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export function createThrottler(limitOf: (routeKey: string) => Throttle, now: () => number) {
  const buckets = new Map<string, TokenBucket>();
  return (routeKey: string): boolean => {
    let bucket = buckets.get(routeKey);
    if (!bucket) {
      bucket = new TokenBucket(limitOf(routeKey), now());
      buckets.set(routeKey, bucket);
    }
    return bucket.take(now());
  };
}
