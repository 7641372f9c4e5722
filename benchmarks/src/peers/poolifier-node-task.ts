/** The tiny task for poolifier's node:worker_threads pool. */
import { ThreadWorker } from "poolifier";
import { add } from "./tiny-task.ts";

export default new ThreadWorker((data?: { a: number; b: number }) => add(data as { a: number; b: number }));
