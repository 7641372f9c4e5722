import { afterEach, describe, expect, test } from "bun:test";
import {
  ArgumentRangeError,
  ArgumentTypeError,
  CancelledError,
  deserializeError,
  ExecutorShutdownError,
  InvalidStateError,
  isValidationError,
  ProcessExitedError,
  ProcessPoolExecutor,
  ProcessRaisedError,
  RemoteError,
  serializeError,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerExitedError,
} from "@conc/core";
import * as tasks from "./fixtures/error-tasks.ts";

const module = new URL("./fixtures/error-tasks.ts", import.meta.url);
const executors: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  for (const ex of executors.splice(0)) await ex.shutdown();
});

const kinds = [
  { name: "ThreadPoolExecutor", make: () => new ThreadPoolExecutor({ module, maxWorkers: 1 }) },
  { name: "ProcessPoolExecutor", make: () => new ProcessPoolExecutor({ module, maxWorkers: 1 }) },
];

for (const kind of kinds) {
  describe(`${kind.name}: task errors come back as their own class`, () => {
    const make = () => {
      const ex = kind.make();
      executors.push(ex);
      return ex;
    };

    test("a class that never sets name is rebuilt by its class, with its fields and worker stack", async () => {
      const ex = make();
      const err = await ex.submit(tasks.throwPlain).exception();
      expect(err).toBeInstanceOf(tasks.PlainTaskError);
      const e = err as tasks.PlainTaskError;
      expect(e.detail).toBe(42);
      expect(e.message).toBe("plain failure");
      expect(e.name).toBe("Error");
      expect(e.stack).toContain("throwPlain");
    });

    test("a class exported under another name is found by its class name", async () => {
      const ex = make();
      const err = await ex.submit(tasks.throwAliased).exception();
      expect(err).toBeInstanceOf(tasks.AliasedError);
      expect((err as { where?: string }).where).toBe("aliased");
    });

    test("a class whose name differs from its class name is still itself", async () => {
      const ex = make();
      const err = await ex.submit(tasks.throwRenamed).exception();
      expect(err).toBeInstanceOf(tasks.RenamedError);
      expect((err as tasks.RenamedError).name).toBe("SomethingElse");
      expect((err as tasks.RenamedError).code).toBe("E_RENAMED");
    });

    test("a cause of an exported class is rebuilt too", async () => {
      const ex = make();
      const err = (await ex.submit(tasks.throwWithPlainCause).exception()) as Error;
      expect(err).toBeInstanceOf(Error);
      expect(err.cause).toBeInstanceOf(tasks.PlainTaskError);
      expect((err.cause as tasks.PlainTaskError).detail).toBe(42);
    });

    test("an AggregateError comes back with each of its errors rebuilt", async () => {
      const ex = make();
      const err = await ex.submit(tasks.throwAggregate).exception();
      expect(err).toBeInstanceOf(AggregateError);
      const agg = err as AggregateError;
      expect(agg.message).toBe("both failed");
      expect(agg.errors.length).toBe(2);
      expect(agg.errors[0]).toBeInstanceOf(tasks.PlainTaskError);
      expect(agg.errors[1]).toBeInstanceOf(RangeError);
    });

    test("a class the module does not export arrives as RemoteError naming the class", async () => {
      const ex = make();
      const err = await ex.submit(tasks.throwUnknownClass).exception();
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as RemoteError).remoteName).toBe("Error");
      expect((err as RemoteError).remoteClass).toBe("LocalError");
      expect((err as RemoteError).extra).toBe("kept");
    });
  });
}

describe("error codec", () => {
  test("the class name travels only when it differs from name", () => {
    expect(serializeError(new TypeError("x")).className).toBeUndefined();
    expect(serializeError(new tasks.PlainTaskError("x")).className).toBe("PlainTaskError");
  });

  test("class names are looked up first, then the error name, then built-ins", () => {
    const data = serializeError(new tasks.PlainTaskError("x"));
    const asked: string[] = [];
    const err = deserializeError(data, (name) => {
      asked.push(name);
      return name === "PlainTaskError" ? tasks.PlainTaskError : undefined;
    });
    expect(asked).toEqual(["PlainTaskError"]);
    expect(err).toBeInstanceOf(tasks.PlainTaskError);
    expect(deserializeError(data)).toBeInstanceOf(RemoteError);
    const sub = serializeError(new (class MyRange extends RangeError {})("r"));
    expect(deserializeError(sub)).toBeInstanceOf(RangeError);
  });

  test("names of Object.prototype members never resolve to a built-in", () => {
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const err = deserializeError({ ...serializeError(new Error("m")), name, className: name });
      expect(err).toBeInstanceOf(RemoteError);
      expect((err as Error).message).toBe("m");
    }
  });
});

describe("core errors carry a code", () => {
  test.each([
    [new CancelledError(), "CANCELLED"],
    [new TimeoutError(), "TIMEOUT"],
    [new InvalidStateError("x"), "INVALID_STATE"],
    [new ExecutorShutdownError(), "EXECUTOR_SHUTDOWN"],
    [new WorkerExitedError({ exitCode: null, signal: "SIGKILL" }), "WORKER_EXITED"],
    [new ProcessRaisedError(0, 1, new Error("x")), "PROCESS_RAISED"],
    [new ProcessExitedError(0, 1, 3, null), "PROCESS_EXITED"],
  ])("%p has code %p, kept across the codec", (err, code) => {
    expect((err as { code: string }).code).toBe(code);
    const back = deserializeError(serializeError(err)) as { code?: string; name: string };
    expect(back.code).toBe(code);
    expect(back.name).toBe(err.name);
  });
});

describe("validation errors carry a code", () => {
  test("bad arguments at a call site are coded TypeError / RangeError", () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1 });
    executors.push(ex);
    const caught: unknown[] = [];
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        caught.push(e);
      }
    };
    attempt(() => new ThreadPoolExecutor({ maxWorkers: 0 }));
    attempt(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }));
    attempt(() => ex.submit(42 as never));
    attempt(() =>
      ex.submit(
        (x: unknown) => x,
        () => 1,
      ),
    );
    attempt(() => ex.map((x: number) => x, 5 as never));
    attempt(() => ex.map((x: number) => x, [1], { chunksize: 0 }));
    attempt(() => ex.schedule((x: number) => x, { args: [1], timeout: Number.NaN }));
    expect(caught.length).toBe(7);
    for (const e of caught) expect(isValidationError(e)).toBe(true);
    expect(caught[0]).toBeInstanceOf(ArgumentRangeError);
    expect(caught[0]).toBeInstanceOf(RangeError);
    expect((caught[0] as ArgumentRangeError).code).toBe("ERR_OUT_OF_RANGE");
    expect((caught[0] as ArgumentRangeError).argument).toBe("maxWorkers");
    expect(caught[1]).toBeInstanceOf(ArgumentTypeError);
    expect((caught[1] as ArgumentTypeError).code).toBe("ERR_INVALID_ARG_TYPE");
    expect((caught[5] as ArgumentRangeError).argument).toBe("chunksize");
    expect((caught[6] as ArgumentTypeError).argument).toBe("timeout");
  });

  test("other errors are not validation errors", () => {
    expect(isValidationError(new TypeError("plain"))).toBe(false);
    expect(isValidationError(new Error("x"))).toBe(false);
  });
});
