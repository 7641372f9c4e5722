/** Prometheus metrics of one app (own registry, so several apps can live in one process). */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class Metrics {
  readonly registry = new Registry();
  readonly submitted: Counter<"pool" | "task">;
  readonly completed: Counter<"pool" | "task">;
  readonly failed: Counter<"pool" | "task">;
  readonly cancelled: Counter<"pool" | "task">;
  readonly duration: Histogram<"pool" | "task">;

  constructor(
    sample: () => { pool: string; queued: number; running: number; workers: number; nodes?: number }[],
  ) {
    const registers = [this.registry];
    const labelNames = ["pool", "task"] as const;
    this.submitted = new Counter({
      name: "conc_tasks_submitted_total",
      help: "Tasks submitted",
      labelNames,
      registers,
    });
    this.completed = new Counter({
      name: "conc_tasks_completed_total",
      help: "Tasks that returned",
      labelNames,
      registers,
    });
    this.failed = new Counter({
      name: "conc_tasks_failed_total",
      help: "Tasks that threw or timed out",
      labelNames,
      registers,
    });
    this.cancelled = new Counter({
      name: "conc_tasks_cancelled_total",
      help: "Tasks cancelled",
      labelNames,
      registers,
    });
    this.duration = new Histogram({
      name: "conc_task_duration_seconds",
      help: "Time from submit to completion",
      labelNames,
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers,
    });
    const queue = new Gauge({
      name: "conc_queue_depth",
      help: "Tasks waiting to start",
      labelNames: ["pool"],
      registers,
    });
    const busy = new Gauge({
      name: "conc_tasks_running",
      help: "Tasks running (busy worker slots)",
      labelNames: ["pool"],
      registers,
    });
    const workers = new Gauge({
      name: "conc_workers",
      help: "Live workers",
      labelNames: ["pool"],
      registers,
    });
    const nodes = new Gauge({
      name: "conc_nodes",
      help: "Live worker nodes (distributed pools)",
      labelNames: ["pool"],
      registers,
    });
    // Gauges are read when scraped, not kept up to date on the hot path.
    this.#collect = () => {
      for (const s of sample()) {
        queue.set({ pool: s.pool }, s.queued);
        busy.set({ pool: s.pool }, s.running);
        workers.set({ pool: s.pool }, s.workers);
        if (s.nodes !== undefined) nodes.set({ pool: s.pool }, s.nodes);
      }
    };
  }

  #collect: () => void;

  async text(): Promise<string> {
    this.#collect();
    return this.registry.metrics();
  }
}
