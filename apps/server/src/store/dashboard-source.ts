/** The dashboard's read side over the app's store and pools (helper G's DashboardSource). */

import type { SerializedError } from "@conc/core";
import type { AppContext } from "../context.ts";
import type { DashboardSource, TaskDetailView } from "../dashboard/source.ts";

export function dashboardSource(ctx: AppContext): DashboardSource {
  const { registry, store, counters } = ctx;
  return {
    pools: () =>
      registry.all().map((p) => {
        const { pool: _pool, active: _active, ...now } = p.stats.now();
        return { name: p.name, ...now, ...counters.of(p.name) };
      }),
    // Live TaskRecords and finished-slot handles both have the TaskRecordView fields: no copy per task.
    records: () => store.records(),
    get(id): TaskDetailView | undefined {
      const rec = store.get(id);
      if (!rec) return undefined;
      const base = {
        id: rec.id,
        pool: rec.pool,
        task: rec.task,
        state: rec.state,
        submittedAt: rec.submittedAt,
        startedAt: rec.startedAt,
        finishedAt: rec.finishedAt,
        progress: rec.progress,
        args: rec.args,
      };
      if (!rec.done) return base;
      return rec.ok
        ? { ...base, ok: true, value: rec.outcome }
        : { ...base, ok: false, error: rec.outcome as SerializedError };
    },
    subscribe: (onChange) => store.subscribe(onChange),
    cancel(id) {
      const rec = store.get(id);
      return rec ? rec.cancel("Cancelled from the dashboard.") : undefined;
    },
  };
}
