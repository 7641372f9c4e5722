/** DNS-rebinding guard: only requests naming an allowed host are served. */
export function hostChecker(allowed: string[]): (hostHeader: string | null) => boolean {
  const names = new Set(allowed.map((h) => h.toLowerCase()));
  return (hostHeader) => {
    if (!hostHeader) return false;
    const h = hostHeader.toLowerCase();
    // Strip the port: "[::1]:8787" -> "[::1]", "localhost:8787" -> "localhost".
    const name = h.startsWith("[") ? h.slice(0, h.indexOf("]") + 1) : h.replace(/:\d+$/, "");
    return names.has(name) || names.has(name.replace(/^\[|\]$/g, ""));
  };
}
