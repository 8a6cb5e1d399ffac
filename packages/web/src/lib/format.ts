export const money = (cents: number, currency = "USD") =>
  new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);

export const dateTime = (iso: string | null | undefined) =>
  iso
    ? new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium" }).format(
        new Date(iso),
      )
    : "—";

export const time = (iso: string | null | undefined) =>
  iso ? new Intl.DateTimeFormat("en-GB", { timeStyle: "medium" }).format(new Date(iso)) : "—";

/** "3 min ago", "in 2 h" — relative to `now`. */
export function relative(iso: string, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  const [value, unit] =
    abs < 60
      ? [abs, "s"]
      : abs < 3600
        ? [Math.floor(abs / 60), "min"]
        : abs < 86_400
          ? [Math.floor(abs / 3600), "h"]
          : [Math.floor(abs / 86_400), "d"];
  return seconds < 0 ? `${value} ${unit} ago` : `in ${value} ${unit}`;
}

/** Countdown like 23:59:07 (or "expired"). */
export function countdown(deadlineIso: string, now = Date.now()) {
  const ms = Date.parse(deadlineIso) - now;
  if (ms <= 0) return "expired";
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export const duration = (ms: number | null) =>
  ms === null
    ? "—"
    : ms < 1000
      ? `${ms} ms`
      : ms < 60_000
        ? `${(ms / 1000).toFixed(1)} s`
        : `${Math.round(ms / 60_000)} min`;

export const age = (seconds: number | null) =>
  seconds === null
    ? "n/a"
    : seconds < 60
      ? `${seconds} s`
      : seconds < 3600
        ? `${Math.floor(seconds / 60)} min`
        : `${(seconds / 3600).toFixed(1)} h`;

/**
 * A queue's oldest-message age: "—" when it holds nothing (CloudWatch reports 0 s for an empty
 * queue, which reads as a message just arrived), "unavailable" when the API could not read it
 * (the reason is `oldestAgeError`).
 */
export const queueAge = (q: {
  visible: number;
  inFlight: number;
  delayed?: number;
  oldestAgeSeconds: number | null;
  oldestAgeError?: string;
}) => {
  if (q.visible + q.inFlight + (q.delayed ?? 0) === 0) return "—";
  return q.oldestAgeError ? "unavailable" : age(q.oldestAgeSeconds);
};

export const shortId = (id: string) => (id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id);
