/** @conc/subprocess — Python's subprocess on Bun.spawn. */

export type { CommandOptions } from "./arguments/normalize.ts";
/** `new Popen(args, { stdout: PIPE })`, `stderr: STDOUT`, `stdin: DEVNULL` */
export { DEVNULL, PIPE, STDOUT } from "./constants.ts";
export * from "./errors.ts";
/** `const r = await run(["ls"], { captureOutput: true, text: true })` */
export {
  call,
  checkCall,
  checkOutput,
  getoutput,
  getstatusoutput,
  type RunOptions,
  run,
} from "./methods/run.ts";
/** `const out = checkOutputSync(["echo", "hi"], { text: true })` */
export { callSync, checkCallSync, checkOutputSync, runSync } from "./methods/run-sync.ts";
/** `result.checkReturncode()` */
export { CompletedProcess } from "./result/completed-process.ts";
/** `await using p = new Popen(["ls"], { stdout: PIPE, text: true })` */
export { Popen, type PopenOptions } from "./spawn/popen.ts";
export { InputStream } from "./stdio/input-stream.ts";
export { OutputStream } from "./stdio/output-stream.ts";
export type { StdioOption } from "./stdio/resolve-stdio.ts";
