/** Small display helpers shared by the tables and the detail view. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function duration(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${s % 60}s`;
}

export function time(epochMs: number | null): string {
  if (epochMs === null) return "—";
  const d = new Date(epochMs);
  return `${d.toLocaleTimeString()}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function json(v: unknown): string {
  return JSON.stringify(v, null, 2) ?? "undefined";
}

/** A number in [0, 1] or `{ done, total }` draws a bar; anything else is shown as JSON. */
export function progress(v: unknown): Node | string {
  let fraction: number | undefined;
  let label = "";
  if (typeof v === "number" && v >= 0 && v <= 1) {
    fraction = v;
    label = `${Math.round(v * 100)}%`;
  } else if (v && typeof v === "object" && "done" in v && "total" in v) {
    const { done, total } = v as { done: unknown; total: unknown };
    if (typeof done === "number" && typeof total === "number" && total > 0) {
      fraction = Math.min(1, Math.max(0, done / total));
      label = `${done}/${total}`;
    }
  }
  if (fraction === undefined) return v === null || v === undefined ? "" : JSON.stringify(v).slice(0, 60);
  return el(
    "span",
    { class: "progress" },
    el("progress", { max: "1", value: String(fraction) }),
    ` ${label}`,
  );
}
