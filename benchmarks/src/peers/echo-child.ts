// Raw Bun.spawn IPC echo: the transport's limit for process round trips.
process.on("message", (m) => process.send?.(m));
