/**
 * Every error @conc/distributed raises. Each has a stable `name` (it survives serialization), a `code`
 * where callers branch, a message that says what happened and what to do, and the fields a caller needs.
 * Task errors keep their own class; these are the errors of the distribution layer itself.
 */

/** Redis could not be reached within the connection timeout (or stayed unreachable that long). */
export class RedisConnectionError extends Error {
  override name = "RedisConnectionError";
  readonly code = "REDIS_UNREACHABLE";
  /** The Redis URL, without its password. */
  readonly url: string;
  readonly timeoutMs: number;
  constructor(url: string, timeoutMs: number, options?: ErrorOptions) {
    super(
      `Redis at ${url} could not be reached within ${timeoutMs} ms. ` +
        "Start redis-server (or fix the URL) and retry; the work was not sent.",
      options,
    );
    this.url = url;
    this.timeoutMs = timeoutMs;
  }
}

/** Redis no longer has a job this client was waiting for (e.g. it restarted without persistence). */
export class JobLostError extends Error {
  override name = "JobLostError";
  readonly code = "JOB_LOST";
  readonly jobId: string;
  constructor(jobId: string, options?: ErrorOptions) {
    super(
      `Redis lost the job ${jobId}: restarted without persistence? ` +
        "Resubmit the task if it is safe to run again, or pass `retries` to resubmit automatically.",
      options,
    );
    this.jobId = jobId;
  }
}

/** A task's result (or error) is larger than the cap a node stores in Redis. */
export class ResultTooLargeError extends Error {
  override name = "ResultTooLargeError";
  readonly code = "RESULT_TOO_LARGE";
  readonly bytes: number;
  readonly limitBytes: number;
  constructor(bytes: number, limitBytes: number) {
    super(
      `The task's result is ${bytes} bytes of JSON, over the node's cap of ${limitBytes} bytes. ` +
        "Return less (e.g. write big data elsewhere and return its key), or raise maxResultBytes on the node.",
    );
    this.bytes = bytes;
    this.limitBytes = limitBytes;
  }
}

/** An argument or result cannot travel through Redis (a function, symbol, circular structure...). */
export class UnsupportedValueError extends TypeError {
  override name = "UnsupportedValueError";
  readonly code = "UNSUPPORTED_VALUE";
  /** Where the value sits, e.g. "args[1].when". */
  readonly path: string;
  constructor(path: string, what: string) {
    super(
      `${path} is ${what}: it cannot be sent through Redis. Pass plain data ` +
        "(JSON values, plus Date, Map, Set, BigInt, undefined, NaN/Infinity, typed arrays and Errors).",
    );
    this.path = path;
  }
}

/** A worker node could not import its task module. */
export class TaskModuleError extends Error {
  override name = "TaskModuleError";
  readonly code = "TASK_MODULE";
  readonly module: string;
  constructor(module: string, options?: ErrorOptions) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : "";
    super(
      `The worker node could not load its task module ${module}${why}. ` +
        "Check the path (relative paths resolve from the current directory) and that the module imports cleanly.",
      options,
    );
    this.module = module;
  }
}
