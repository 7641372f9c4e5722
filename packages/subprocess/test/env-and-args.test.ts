/** Arguments and environment checked like CPython's test_subprocess (test_invalid_env, test_specific_shell, ...). */
import { describe, expect, test } from "bun:test";
import { checkOutput, checkOutputSync, PIPE, Popen, run, runSync } from "@conc/subprocess";
import { marker, popen } from "./helpers/processes.ts";

const PATH = process.env.PATH ?? "/usr/bin:/bin";

describe("env (test_invalid_env)", () => {
  test("a name containing '=' is refused before anything runs, async and sync", async () => {
    const m = marker();
    const env = { "FRUIT=ORANGE": "lemon", PATH };
    expect(() => new Popen(m.touch, { env })).toThrow(/illegal variable name 'FRUIT=ORANGE'/);
    await expect(run(m.touch, { env })).rejects.toThrow(TypeError);
    expect(() => runSync(m.touch, { env })).toThrow(/cannot contain "="/);
    expect(m.ran()).toBe(false);
  });

  test("'=' in a value is fine", async () => {
    const env = { FRUIT: "orange=lemon", PATH };
    const cmd = ["sh", "-c", 'printf %s "$FRUIT"'];
    expect(await checkOutput(cmd, { env, text: true })).toBe("orange=lemon");
    expect(checkOutputSync(cmd, { env, text: true })).toBe("orange=lemon");
  });

  test("NUL in a name or value, and a value that is not a string, are refused with our own message", async () => {
    const m = marker();
    for (const env of [{ "A\0B": "x" }, { A: "x\0y" }, { A: 5 as unknown as string }]) {
      expect(() => new Popen(m.touch, { env })).toThrow(/^env: /);
      await expect(run(m.touch, { env })).rejects.toThrow(/^env: /);
      expect(() => runSync(m.touch, { env })).toThrow(/^env: /);
    }
    expect(m.ran()).toBe(false);
  });

  test("env: {} is empty; undefined values are dropped; null inherits like Python's None", async () => {
    expect(await checkOutput(["/usr/bin/env"], { env: {}, text: true })).toBe("");
    expect(checkOutputSync(["/usr/bin/env"], { env: { A: undefined, B: "1" }, text: true })).toBe("B=1\n");
    process.env.CONC_NULL_ENV = "inherited";
    try {
      const env = null as unknown as Record<string, string>;
      const cmd = ["sh", "-c", 'printf %s "$CONC_NULL_ENV"'];
      expect(await checkOutput(cmd, { env, text: true })).toBe("inherited");
      expect(checkOutputSync(cmd, { env, text: true })).toBe("inherited");
    } finally {
      delete process.env.CONC_NULL_ENV;
    }
  });
});

describe("shell and executable (test_specific_shell, test_executable_replaces_shell)", () => {
  test("shell with executable runs that shell and makes it argv[0]", async () => {
    const opts = { shell: true, executable: "/bin/bash", text: true } as const;
    const p = popen("echo $0 $BASH_VERSION", { ...opts, stdout: PIPE });
    const [out] = await p.communicate();
    expect((out as string).startsWith("/bin/bash ")).toBe(true);
    expect((out as string).trim().length).toBeGreaterThan("/bin/bash".length); // bash really ran
    expect(await checkOutput("echo $0", opts)).toBe("/bin/bash\n");
    expect(checkOutputSync("echo $0", opts)).toBe("/bin/bash\n");
    expect(runSync("echo $0", { ...opts, captureOutput: true }).stdout).toBe("/bin/bash\n");
  });

  test("without executable the shell is /bin/sh; extra list items are $0, $1, ...", async () => {
    expect(await checkOutput("echo $0", { shell: true, text: true })).toBe("/bin/sh\n");
    expect(checkOutputSync(["echo $0 $1", "a", "b"], { shell: true, text: true })).toBe("a b\n");
  });

  test("executable without shell keeps args[0] as argv[0]; args[0] may then be empty", async () => {
    const cmd = ["fake-name", "-c", "echo $0"];
    expect(await checkOutput(cmd, { executable: "/bin/sh", text: true })).toBe("fake-name\n");
    expect(checkOutputSync(cmd, { executable: "/bin/sh", text: true })).toBe("fake-name\n");
    expect(await checkOutput(["", "x"], { executable: "/bin/echo", text: true })).toBe("x\n");
    expect(checkOutputSync(["", "x"], { executable: "/bin/echo", text: true })).toBe("x\n");
    expect(() => runSync([""])).toThrow(/must name a program/);
    expect(() => new Popen(["ls"], { executable: "" })).toThrow(/executable must be a non-empty string/);
  });
});

describe("unknown options (Python: unexpected keyword argument)", () => {
  test("are refused before anything runs, with a hint for Python spellings", async () => {
    const m = marker();
    const bad = { capture_output: true } as never;
    expect(() => new Popen(m.touch, bad)).toThrow(
      /unknown option 'capture_output' \('captureOutput' is an option of run\(\), not of Popen\)/,
    );
    await expect(run(m.touch, bad)).rejects.toThrow(/did you mean 'captureOutput'/);
    expect(() => runSync(m.touch, bad)).toThrow(/did you mean 'captureOutput'/);
    expect(() => runSync(m.touch, { startNewSesion: true } as never)).toThrow(
      /unknown option 'startNewSesion'/,
    );
    // Popen does not take run()'s options.
    expect(() => new Popen(m.touch, { timeout: 5 } as never)).toThrow(/'timeout' is an option of run/);
    expect(m.ran()).toBe(false);
  });
});

describe("checkOutput refusals (test_check_output)", () => {
  test("stdout and check are refused, async and sync, before the args are looked at", async () => {
    const m = marker();
    for (const opts of [{ stdout: 1 }, { stdout: PIPE }, { check: false }] as never[]) {
      await expect(checkOutput(m.touch, opts)).rejects.toThrow(/cannot be given to checkOutput/);
      expect(() => checkOutputSync(m.touch, opts)).toThrow(/cannot be given to checkOutputSync/);
      await expect(checkOutput([], opts)).rejects.toThrow(/cannot be given/);
      expect(() => checkOutputSync([], opts)).toThrow(/cannot be given/);
    }
    expect(m.ran()).toBe(false);
    expect(() => checkOutputSync([])).toThrow(/must name a program/);
  });
});
