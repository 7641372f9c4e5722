/** Pure formatting of a progress line (count/total, bar, rate, ETA): table-tested, no clock. */

export interface ProgressSnapshot {
  label?: string | undefined;
  count: number;
  total?: number | undefined;
  /** Milliseconds since the start. */
  elapsedMs: number;
}

/** "12.3/s", "1.2k/s", "0.05/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "—/s";
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M/s`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(0)}k/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  return `${perSecond.toFixed(2)}/s`;
}

/** "0.4s", "12s", "3m05s", "2h01m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  const s = ms / 1000;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Items per second so far. */
export function rateOf(p: ProgressSnapshot): number {
  return p.elapsedMs > 0 ? (p.count * 1000) / p.elapsedMs : 0;
}

/** Milliseconds left at the current rate (undefined without a total or a rate). */
export function etaMs(p: ProgressSnapshot): number | undefined {
  const rate = rateOf(p);
  if (p.total === undefined || rate <= 0) return undefined;
  return (Math.max(0, p.total - p.count) / rate) * 1000;
}

/**
 * One line: `label 42/100 [########------------] 42% 12/s ETA 4.8s` (a bar only when `barWidth` > 0);
 * without a total: `label 42 12/s 3.5s`.
 */
export function formatProgress(p: ProgressSnapshot, barWidth = 0): string {
  const parts: string[] = [];
  if (p.label) parts.push(p.label);
  const rate = formatRate(rateOf(p));
  if (p.total !== undefined && p.total > 0) {
    const frac = Math.min(1, Math.max(0, p.count / p.total));
    parts.push(`${p.count}/${p.total}`);
    if (barWidth > 0) {
      const full = Math.round(frac * barWidth);
      parts.push(`[${"#".repeat(full)}${"-".repeat(barWidth - full)}]`);
    }
    parts.push(`${Math.floor(frac * 100)}%`, rate);
    const eta = etaMs(p);
    parts.push(`ETA ${eta === undefined ? "?" : formatDuration(eta)}`);
  } else {
    parts.push(String(p.count), rate, formatDuration(p.elapsedMs));
  }
  return parts.join(" ");
}
