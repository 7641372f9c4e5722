import { CalledProcessError, type Output } from "../errors.ts";

/** What run() returns. */
export class CompletedProcess<T extends Output = Output> {
  constructor(
    readonly args: string | readonly string[],
    readonly returncode: number,
    readonly stdout: T | null = null,
    readonly stderr: T | null = null,
  ) {}

  /** Throws CalledProcessError when returncode is not 0. */
  checkReturncode(): void {
    if (this.returncode !== 0)
      throw new CalledProcessError(this.returncode, this.args, this.stdout, this.stderr);
  }
}
