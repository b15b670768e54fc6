/**
 * What the page says when a cell reaches for something only the Jupyter kernel has (files,
 * processes, native code): a {@link NeedsKernelError} naming it, instead of a TypeError deep
 * inside the library.
 */

/** Thrown by the page's stand-ins for Node-only parts. */
export class NeedsKernelError extends Error {
  override readonly name = "NeedsKernelError";
  constructor(why: string) {
    super(`this cell needs the Jupyter kernel: ${why}`);
  }
}

const NOT_A_MEMBER = new Set<PropertyKey>(["__esModule", "then", "default", "toJSON", "constructor"]);

/** A function that throws for `name` when called, and gives another such function for any property. */
function nodeOnlyMember(name: string): unknown {
  return new Proxy(() => undefined, {
    apply() {
      throw new NeedsKernelError(`${name} is Node.js-only (files, processes or native code); the page has no counterpart`);
    },
    construct() {
      throw new NeedsKernelError(`${name} is Node.js-only (files, processes or native code); the page has no counterpart`);
    },
    get(_t, key) {
      return typeof key === "symbol" || NOT_A_MEMBER.has(key) ? undefined : nodeOnlyMember(`${name}.${key}`);
    },
  });
}

/**
 * A stand-in for a Node.js module (`node:fs`, `worker_threads`…): every member is a function that
 * throws {@link NeedsKernelError}. `own` members (real counterparts) come first. The members live
 * on the prototype, where esbuild's module interop (which copies own properties, then keeps the
 * prototype) still finds them.
 */
export function nodeOnlyModule(module: string, own: Record<string, unknown> = {}): object {
  const members = new Proxy(
    {},
    {
      get(_t, key) {
        return typeof key === "symbol" || NOT_A_MEMBER.has(key) ? undefined : nodeOnlyMember(`${module}.${key}`);
      },
    },
  );
  return Object.assign(Object.create(members), own);
}
