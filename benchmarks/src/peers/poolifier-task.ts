/** The tiny task for poolifier-web-worker (poolifier's Web Worker build, the one its authors ship for Bun). */
import { ThreadWorker } from "poolifier-web-worker";
import { add } from "./tiny-task.ts";

export default new ThreadWorker((data?: { a: number; b: number }) => add(data as { a: number; b: number }));
