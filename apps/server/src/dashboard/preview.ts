/**
 * Task arguments, results, errors and progress as JSON the page can show: any value (BigInt, Map, cycles,
 * huge arrays) becomes plain data, cut to a bounded size (depth, items per level, string length, and a
 * budget of values in all) so one large result cannot stall the server or the page.
 */
export interface PreviewLimits {
  depth: number;
  items: number;
  chars: number;
  /** Most values in the whole preview. */
  budget: number;
  /** Most string characters in the whole preview. */
  totalChars: number;
}

export const DETAIL_LIMITS: PreviewLimits = {
  depth: 6,
  items: 50,
  chars: 2_000,
  budget: 2_000,
  totalChars: 100_000,
};
/** For a table row's progress cell. */
export const ROW_LIMITS: PreviewLimits = { depth: 3, items: 8, chars: 80, budget: 24, totalChars: 240 };

export function preview(value: unknown, limits: PreviewLimits = DETAIL_LIMITS): unknown {
  const state = { left: limits.budget, chars: limits.totalChars, seen: new WeakSet<object>() };
  return walk(value, 0, limits, state);
}

interface Walk {
  left: number;
  chars: number;
  seen: WeakSet<object>;
}

function walk(value: unknown, depth: number, l: PreviewLimits, s: Walk): unknown {
  if (--s.left < 0) return "…";
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string") {
    const room = Math.max(0, Math.min(l.chars, s.chars));
    s.chars -= Math.min(value.length, room);
    return value.length > room ? `${value.slice(0, room)}… (${value.length} chars)` : value;
  }
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (typeof value === "symbol") return value.toString();
  const obj = value as object;
  if (s.seen.has(obj)) return "[circular]";
  if (depth >= l.depth) return Array.isArray(obj) ? `[array(${obj.length})]` : "[object]";
  s.seen.add(obj);
  try {
    if (obj instanceof Date) return obj.toISOString();
    if (ArrayBuffer.isView(obj))
      return `[${obj.constructor.name}(${(obj as Uint8Array).length ?? obj.byteLength})]`;
    if (obj instanceof Map) return { "[Map]": walk([...obj.entries()].slice(0, l.items), depth + 1, l, s) };
    if (obj instanceof Set) return { "[Set]": walk([...obj.values()].slice(0, l.items), depth + 1, l, s) };
    if (Array.isArray(obj)) {
      const items = obj.slice(0, l.items).map((v) => walk(v, depth + 1, l, s));
      if (obj.length > l.items) items.push(`… ${obj.length - l.items} more`);
      return items;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(obj);
    for (const k of keys.slice(0, l.items))
      out[k] = walk((obj as Record<string, unknown>)[k], depth + 1, l, s);
    if (keys.length > l.items) out["…"] = `${keys.length - l.items} more keys`;
    return out;
  } finally {
    s.seen.delete(obj);
  }
}
