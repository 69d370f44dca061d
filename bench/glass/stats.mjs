// Summaries of latency samples (milliseconds), nearest-rank percentiles.

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `{n, min, p50, p90, p99, max, mean}` of the finite values. */
export function summary(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const mean = v.reduce((a, b) => a + b, 0) / (v.length || 1);
  return {
    n: v.length,
    min: v[0],
    p50: percentile(v, 50),
    p90: percentile(v, 90),
    p99: percentile(v, 99),
    max: v[v.length - 1],
    mean,
  };
}

const f = (x) => (Number.isFinite(x) ? x.toFixed(1).padStart(7) : '      -');

export function header(width = 52) {
  return `${'ms'.padEnd(width)}      n     min     p50     p90     p99     max`;
}

/** One line of a table: label, n, min, p50, p90, p99, max. */
export function row(label, s, width = 52) {
  return `${label.padEnd(width)} ${String(s.n).padStart(6)} ${f(s.min)} ${f(s.p50)} ${f(s.p90)} ${f(s.p99)} ${f(s.max)}`;
}
