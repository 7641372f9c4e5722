/**
 * Task arguments, results and errors as JSON the page can show: any value (BigInt, Map, cycles, huge
 * arrays) becomes plain data, cut to a bounded size so one large result cannot stall the page.
 */
const MAX_DEPTH = 6;
const MAX_ITEMS = 50;
const MAX_STRING = 2_000;

export function preview(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "string")
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} chars)` : value;
  if (typeof value === "bigint") return `${value}n`;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `[function ${value.name || "anonymous"}]`;
  if (typeof value === "symbol") return value.toString();
  const obj = value as object;
  if (seen.has(obj)) return "[circular]";
  if (depth >= MAX_DEPTH) return Array.isArray(obj) ? `[array(${obj.length})]` : "[object]";
  seen.add(obj);
  try {
    if (obj instanceof Date) return obj.toISOString();
    if (ArrayBuffer.isView(obj))
      return `[${obj.constructor.name}(${(obj as Uint8Array).length ?? obj.byteLength})]`;
    if (obj instanceof Map) return { "[Map]": preview([...obj.entries()], depth + 1, seen) };
    if (obj instanceof Set) return { "[Set]": preview([...obj.values()], depth + 1, seen) };
    if (Array.isArray(obj)) {
      const items = obj.slice(0, MAX_ITEMS).map((v) => preview(v, depth + 1, seen));
      if (obj.length > MAX_ITEMS) items.push(`… ${obj.length - MAX_ITEMS} more`);
      return items;
    }
    const out: Record<string, unknown> = {};
    const keys = Object.keys(obj);
    for (const k of keys.slice(0, MAX_ITEMS))
      out[k] = preview((obj as Record<string, unknown>)[k], depth + 1, seen);
    if (keys.length > MAX_ITEMS) out["…"] = `${keys.length - MAX_ITEMS} more keys`;
    return out;
  } finally {
    seen.delete(obj);
  }
}
