/** A tiny trend line (no axes) for a series of samples, newest last. */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 96;
  const h = 24;
  // The samples are this page's own polls: a fresh page has none yet.
  if (values.length < 2) return <span className="muted small sparkline-note">collecting…</span>;
  const max = Math.max(...values);
  if (max === 0)
    return (
      <svg
        width={w}
        height={h}
        className="sparkline sparkline-idle"
        role="img"
        aria-label={`${label}: empty for the last ${values.length} samples`}
      >
        <line x1="0" y1={h - 2} x2={w} y2={h - 2} stroke="currentColor" strokeDasharray="2 3" />
      </svg>
    );
  const step = w / (values.length - 1);
  const y = (v: number) => h - 2 - (v / max) * (h - 4);
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  return (
    <svg
      width={w}
      height={h}
      className="sparkline"
      role="img"
      aria-label={`${label}: ${values.join(", ")} (peak ${max})`}
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx={w - 2} cy={y(values.at(-1)!)} r="2" fill="currentColor" />
    </svg>
  );
}
