/** The tiny task for workerpool (one named method, called with pool.exec("add", [{ a, b }])). */
import workerpool from "workerpool";
import { add } from "./tiny-task.ts";

workerpool.worker({ add });
