/** The child's environment: checked like CPython's (test_invalid_env) before anything is spawned. */

/**
 * Returns the environment to pass: `env` itself (undefined values dropped, as for process.env), or,
 * without it (undefined or null, Python's None), a copy of the current process.env (Bun would pass
 * its start-up snapshot instead).
 */
export function childEnv(env: Record<string, string | undefined> | null | undefined): Record<string, string> {
  if (env !== undefined && env !== null && typeof env !== "object") {
    throw new TypeError(`env must be an object of name → string, got ${typeof env}.`);
  }
  const given = env !== undefined && env !== null;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env ?? process.env)) {
    if (value === undefined) continue;
    if (given) checkVariable(name, value);
    out[name] = value;
  }
  return out;
}

function checkVariable(name: string, value: unknown): asserts value is string {
  if (typeof value !== "string") {
    throw new TypeError(
      `env: the value of '${name}' must be a string, got ${value === null ? "null" : typeof value}.`,
    );
  }
  if (name.includes("\0") || value.includes("\0")) {
    const where = name.includes("\0") ? "name" : "value";
    throw new TypeError(
      `env: the ${where} of '${JSON.stringify(name).slice(1, -1)}' contains a NUL byte, which no environment can hold.`,
    );
  }
  if (name.includes("=")) {
    throw new TypeError(
      `env: illegal variable name '${name}': a name cannot contain "=" (the child would see a variable ` +
        `'${name.slice(0, name.indexOf("="))}' instead). Put the "=" in the value.`,
    );
  }
}
