/** The /dashboard sub-app and the read interface it needs from the app's task store. */
/** `app.route("/", createDashboard({ source, tokens }))` (routes start with /dashboard) */
export { createDashboard, type Dashboard, type DashboardOptions } from "./create-dashboard.ts";
/** `const source = new MemorySource(); const pools = source.instrument({ cpu: executor })` */
export { MemorySource } from "./memory-source.ts";
export type {
  DashboardSource,
  DashboardToken,
  PoolStats,
  Role,
  TaskDetailView,
  TaskRecordView,
  TaskState,
} from "./source.ts";
