/** The throughput chart: uPlot, one "completed" and one "failed" line per pool, last 15 minutes. */
import uPlot from "uplot";
import type { Point } from "./types.ts";

const WINDOW_S = 15 * 60;
const COLORS = ["#22c55e", "#38bdf8", "#a78bfa", "#facc15", "#fb923c", "#f472b6"];

export class ThroughputChart {
  #plot: uPlot | undefined;
  #pools: string[] = [];
  /** Epoch seconds, and per pool a completed and a failed column aligned with it. */
  #xs: number[] = [];
  #cols = new Map<string, { completed: (number | null)[]; failed: (number | null)[] }>();

  constructor(readonly root: HTMLElement) {
    new ResizeObserver(() => this.#plot?.setSize(this.#size())).observe(root);
  }

  /** Replaces everything (on connect and reconnect). */
  reset(series: Record<string, Point[]>): void {
    this.#xs = [];
    this.#cols.clear();
    this.#pools = Object.keys(series).sort();
    const byT = new Map<number, Record<string, Point>>();
    for (const [pool, points] of Object.entries(series))
      for (const p of points) byT.set(p.t, { ...byT.get(p.t), [pool]: p });
    for (const t of [...byT.keys()].sort((a, b) => a - b)) this.#put(t, byT.get(t) ?? {});
    this.#redraw(true);
  }

  /** Adds (or updates) the latest second. */
  add(points: Record<string, Point>): void {
    const pools = Object.keys(points);
    if (pools.length === 0) return;
    if (pools.some((p) => !this.#pools.includes(p))) {
      this.#pools = [...new Set([...this.#pools, ...pools])].sort();
      for (const p of pools) this.#column(p);
    }
    const t = (points[pools[0] as string] as Point).t;
    this.#put(t, points);
    this.#redraw(this.#plot === undefined || this.#plot.series.length !== 1 + 2 * this.#pools.length);
  }

  #column(pool: string) {
    let c = this.#cols.get(pool);
    if (!c) {
      c = { completed: this.#xs.map(() => null), failed: this.#xs.map(() => null) };
      this.#cols.set(pool, c);
    }
    return c;
  }

  #put(t: number, points: Record<string, Point>): void {
    const last = this.#xs.length - 1;
    const same = last >= 0 && this.#xs[last] === t;
    if (!same) this.#xs.push(t);
    const i = this.#xs.length - 1;
    for (const pool of this.#pools) {
      const c = this.#column(pool);
      const p = points[pool];
      c.completed[i] = p ? p.completed : (c.completed[i] ?? null);
      c.failed[i] = p ? p.failed : (c.failed[i] ?? null);
    }
    while (this.#xs.length > 0 && (this.#xs[0] as number) <= t - WINDOW_S) {
      this.#xs.shift();
      for (const c of this.#cols.values()) {
        c.completed.shift();
        c.failed.shift();
      }
    }
    let total = 0;
    let failed = 0;
    for (const c of this.#cols.values()) {
      for (const v of c.completed) total += v ?? 0;
      for (const v of c.failed) failed += v ?? 0;
    }
    // Read by the browser tests: did the chart receive completions and failures?
    this.root.dataset.completed = String(total);
    this.root.dataset.failed = String(failed);
    this.root.dataset.points = String(this.#xs.length);
  }

  #size() {
    return { width: Math.max(300, this.root.clientWidth), height: 220 };
  }

  #data(): uPlot.AlignedData {
    const cols: (number | null)[][] = [];
    for (const pool of this.#pools) {
      const c = this.#column(pool);
      cols.push(c.completed, c.failed);
    }
    return [this.#xs, ...cols];
  }

  #redraw(rebuild: boolean): void {
    if (!rebuild && this.#plot) {
      this.#plot.setData(this.#data());
      return;
    }
    this.#plot?.destroy();
    const series: uPlot.Series[] = [{}];
    this.#pools.forEach((pool, i) => {
      const color = COLORS[i % COLORS.length] as string;
      series.push({ label: `${pool} completed/s`, stroke: color, width: 2 });
      series.push({ label: `${pool} failed/s`, stroke: "#ef4444", dash: [6, 4], width: 1.5 });
    });
    this.#plot = new uPlot(
      {
        ...this.#size(),
        series,
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: [
          { stroke: "#94a3b8", grid: { stroke: "#1e293b" } },
          { stroke: "#94a3b8", grid: { stroke: "#1e293b" } },
        ],
        legend: { live: false },
      },
      this.#data(),
      this.root,
    );
  }
}
