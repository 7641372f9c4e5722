/**
 * Gives each task function a small id and the definition a worker needs to find it:
 * an export name of the task module, or its source. Definitions travel once per worker.
 */
import { type FnDef, REF_EXPORT, REF_SOURCE } from "../transport/protocol.ts";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

export class FnRegistry {
  readonly defs: FnDef[] = [];
  #byFn = new WeakMap<object, number>();
  #byName = new Map<string, number>();
  #bySource = new Map<string, number>();
  /** Export names accepted before the parent knew the module's exports. */
  #unchecked = new Set<number>();

  constructor(
    private readonly moduleUrl: string | null,
    private readonly exportsNow: () => Record<string, unknown> | undefined,
  ) {}

  /** Id of `fn` (a function or an export name); throws a clear error for what cannot run in a worker. */
  idOf(fn: ((...args: never[]) => unknown) | string): number {
    if (typeof fn === "string") return this.#named(fn);
    const known = this.#byFn.get(fn);
    if (known !== undefined) return this.#unchecked.size > 0 ? this.#check(known) : known;
    const name = fn.name;
    const src = Function.prototype.toString.call(fn);
    if (NATIVE.test(src)) {
      throw new TypeError(
        `The task function ${name ? `'${name}' ` : ""}is native or bound and has no source to send to a worker. ` +
          "Wrap it in a plain function or export it from a task module (module option).",
      );
    }
    const id =
      this.moduleUrl !== null && IDENTIFIER.test(name)
        ? this.#named(name)
        : (this.#bySource.get(src) ?? this.#add(REF_SOURCE, src, this.#bySource));
    this.#byFn.set(fn, id);
    return id;
  }

  #named(name: string): number {
    const known = this.#byName.get(name);
    if (known !== undefined) return this.#unchecked.size > 0 ? this.#check(known) : known;
    if (this.moduleUrl === null) {
      throw new TypeError(
        `Task '${name}' is given by name but the executor has no task module (module option).`,
      );
    }
    this.#verify(name);
    const id = this.#add(REF_EXPORT, name, this.#byName);
    if (!this.exportsNow()) this.#unchecked.add(id);
    return id;
  }

  /** Re-checks a name accepted while the exports were unknown, once they are known. */
  #check(id: number): number {
    if (!this.#unchecked.has(id) || !this.exportsNow()) return id;
    this.#verify((this.defs[id] as FnDef)[2]);
    this.#unchecked.delete(id);
    return id;
  }

  /** When the parent has the module's exports, refuse unknown names at the call site. */
  #verify(name: string): void {
    const ns = this.exportsNow();
    if (ns && !(Object.hasOwn(ns, name) && typeof ns[name] === "function")) {
      throw new TypeError(
        `Task '${name}' is not an exported function of the task module ${this.moduleUrl}. ` +
          `Export it (\`export function ${name}\`) or pass a self-contained function to an executor without a module.`,
      );
    }
  }

  #add(kind: FnDef[1], payload: string, index: Map<string, number>): number {
    const id = this.defs.length;
    this.defs.push([id, kind, payload]);
    index.set(payload, id);
    return id;
  }
}
