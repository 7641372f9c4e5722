/**
 * Unknown option names are refused, as Python refuses an unexpected keyword argument: a
 * `capture_output: true` or a misspelt `startNewSesion` must not be ignored silently.
 */

export const POPEN_OPTIONS = [
  "stdin",
  "stdout",
  "stderr",
  "cwd",
  "env",
  "shell",
  "executable",
  "text",
  "encoding",
  "errors",
  "startNewSession",
] as const;

export const RUN_OPTIONS = [...POPEN_OPTIONS, "input", "captureOutput", "check", "timeout"] as const;

/** Python's spelling (or a close relative) → conc's option. */
const PYTHON_NAMES: Record<string, string> = {
  capture_output: "captureOutput",
  start_new_session: "startNewSession",
  universal_newlines: "text",
};

/** Throws a TypeError naming the first option that is not in `known` (`internal` ones pass too). */
export function rejectUnknownOptions(
  options: object,
  known: readonly string[],
  what: string,
  internal: readonly string[] = [],
): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `${what} options must be an object, got ${options === null ? "null" : typeof options}.`,
    );
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name) || internal.includes(name)) continue;
    throw new TypeError(
      `${what} got an unknown option '${name}'${hintFor(name, known)}. Known options: ${known.join(", ")}.`,
    );
  }
}

function hintFor(name: string, known: readonly string[]): string {
  const loose = (k: string) => k.replaceAll("_", "").toLowerCase();
  const spelt = PYTHON_NAMES[name] ?? RUN_OPTIONS.find((k) => loose(k) === loose(name)) ?? name;
  if (known.includes(spelt)) return ` (did you mean '${spelt}'?)`;
  if ((RUN_OPTIONS as readonly string[]).includes(spelt))
    return ` ('${spelt}' is an option of run(), not of Popen)`;
  return "";
}
