/**
 * The tutorial's task functions. Workers import this module and call its exports by name,
 * the way Python's workers unpickle a function by its module and name.
 */
import { currentProcess, reportProgress } from "@conc/core";

/** io_task: sleeps 1 s like an I/O wait. */
export async function ioTask(taskId: number): Promise<void> {
  console.log(`Task ${taskId} starts`);
  await Bun.sleep(1000);
  console.log(`Task ${taskId} ends`);
}

/** sum([i * i for i in range(10**7)]) */
export function sumOfSquares(n = 10 ** 7): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += i * i;
  return s;
}

/** cpu_task: CPU-bound work in its own process. */
export function cpuTask(taskId: number): void {
  console.log(`Task ${taskId} starts,Process ID: ${currentProcess().pid}`);
  sumOfSquares();
  console.log(`Task ${taskId} ends`);
}

export type Params = [taskId: number, content: string];

/** io_task(args) for executor.map: one tuple argument. */
export async function ioTaskArgs(args: Params): Promise<Params> {
  const [taskId, content] = args;
  console.log(`IO Task ${taskId} starts`);
  await Bun.sleep(1000);
  console.log(`IO Task received the content: '${content}'`);
  console.log(`IO Task ${taskId} ends`);
  return args;
}

/** cpu_task(args) for executor.map. */
export function cpuTaskArgs(args: Params): Params {
  const [taskId, content] = args;
  console.log(`CPU Task ${taskId} starts`);
  sumOfSquares();
  console.log(`IO Task received the content: '${content}'`);
  console.log(`CPU Task ${taskId} ends`);
  return args;
}

/** io_task_multi_args(task_id, content) for submit(fn, ...args). */
export async function ioTaskMultiArgs(taskId: number, content: string): Promise<Params> {
  return ioTaskArgs([taskId, content]);
}

/** worker_function(rank, world_size, shared_arg) for spawn. */
export function workerFunction(rank: number, worldSize: number, sharedArg: string): void {
  console.log(`子进程 ${rank}/${worldSize} 启动,参数: ${sharedArg}`);
}

/** process_task(x) for Pool: random 0.1–0.5 s, then x * x. */
export async function processTask(x: number): Promise<number> {
  await Bun.sleep(100 + Math.random() * 400);
  const result = x * x;
  console.log(`处理 ${x} -> ${result} (进程ID: ${currentProcess().pid})`);
  return result;
}

/** multi_param_task(a, b) for starmap. */
export function multiParamTask(a: number, b: number): number {
  return a + b;
}

/** A long job that says how far it is: `reportProgress` inside, `fut.progress` outside (like tqdm's update). */
export async function longJob(jobId: number, steps: number): Promise<number> {
  for (let done = 1; done <= steps; done++) {
    await Bun.sleep(2);
    reportProgress({ done, total: steps });
  }
  return jobId;
}
