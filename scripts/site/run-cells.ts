/**
 * A notebook cell's TypeScript → JavaScript that the lesson page runs (scripts/site/runner/):
 * cells share their top-level names as they do in the tslab kernel, top-level `await` included.
 *
 * Types are stripped by sucrase (a type eraser: a few hundred kB in the page where TypeScript's
 * own compiler is megabytes), then acorn parses the JavaScript and each top-level declaration
 * becomes an assignment to a name of the page's shared scope:
 *
 *     const { xs, labels } = f();   →   ({ xs, labels } = f());
 *     function g() {}               →   g = function g() {};      (first, as a declaration is hoisted)
 *     class C {}                    →   C = class C {};
 *     import * as tsdl from "tsdl"  →   tsdl = __import("tsdl");   (first, as imports are)
 *
 * The runner wraps the result in `with (scope) { return (async () => { … })(); }`, with every
 * name of {@link PageCell.names} already a key of `scope`, so the assignments land there and
 * later cells read them. Declarations inside blocks, loops and functions stay as written.
 */
import { parse, type Node, type Pattern, type Program, type Statement } from "acorn";
import { transform } from "sucrase";

/** The function the rewritten code calls for an import: the module's namespace object. */
export const IMPORT_FUNCTION = "__import";

/** One cell, ready for the page's runner. */
export interface PageCell {
  /** The body of an async function: the cell's statements, declarations turned into assignments. */
  readonly code: string;
  /** The top-level names the cell declares, in order of appearance, each once. */
  readonly names: readonly string[];
  /** Whether the body ends with `return (<last expression>)`: the cell's value, shown as tslab shows it. */
  readonly returnsValue: boolean;
}

/** A cell that cannot be run: its message names the line, as the kernel would. */
export class CellSyntaxError extends Error {
  override readonly name = "CellSyntaxError";
}

/** The names a binding pattern declares (`{ a, b: [c, ...d] = e }` → a, c, d). */
export function patternNames(pattern: Pattern): string[] {
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name];
    case "ObjectPattern":
      return pattern.properties.flatMap((p) => (p.type === "RestElement" ? patternNames(p.argument) : patternNames(p.value)));
    case "ArrayPattern":
      return pattern.elements.flatMap((e) => (e ? patternNames(e) : []));
    case "RestElement":
      return patternNames(pattern.argument);
    case "AssignmentPattern":
      return patternNames(pattern.left);
    default:
      throw new CellSyntaxError(`a declaration binds ${pattern.type}, which is not a name`);
  }
}

/** TypeScript → JavaScript, types erased, imports and everything else left as written. */
export function stripTypes(source: string): string {
  try {
    // keepUnusedImports: an import used only by later cells (`import pl from "nodejs-polars"` in
    // the first cell) must stay; disableESTransforms: the page's browser runs modern JavaScript.
    return transform(source, { transforms: ["typescript"], disableESTransforms: true, keepUnusedImports: true }).code;
  } catch (err) {
    throw new CellSyntaxError((err as Error).message);
  }
}

function parseProgram(js: string): Program {
  try {
    return parse(js, { ecmaVersion: "latest", sourceType: "module", allowAwaitOutsideFunction: true, locations: true });
  } catch (err) {
    throw new CellSyntaxError((err as Error).message);
  }
}

/**
 * Rewrites a cell's JavaScript so that its top-level declarations become assignments to the
 * shared scope (see the module comment). `js` must be JavaScript: {@link pageCell} strips types first.
 */
export function rewriteTopLevel(js: string): PageCell {
  const program = parseProgram(js);
  const text = (n: Node) => js.slice(n.start, n.end);
  const names: string[] = [];
  const declare = (...ns: string[]) => {
    for (const n of ns) if (!names.includes(n)) names.push(n);
  };
  const hoisted: string[] = [];
  const body: string[] = [];
  const statements = program.body as (Statement | Node)[];
  let returnsValue = false;
  statements.forEach((s, i) => {
    switch (s.type) {
      case "ImportDeclaration": {
        const d = s as import("acorn").ImportDeclaration;
        const from = `${IMPORT_FUNCTION}(${JSON.stringify(d.source.value)})`;
        for (const spec of d.specifiers) {
          declare(spec.local.name);
          const value =
            spec.type === "ImportNamespaceSpecifier"
              ? from
              : spec.type === "ImportDefaultSpecifier"
                ? `${from}.default`
                : `${from}[${JSON.stringify(spec.imported.type === "Identifier" ? spec.imported.name : spec.imported.value)}]`;
          hoisted.push(`${spec.local.name} = ${value};`);
        }
        if (d.specifiers.length === 0) hoisted.push(`${from};`);
        return;
      }
      case "VariableDeclaration": {
        const d = s as import("acorn").VariableDeclaration;
        const parts: string[] = [];
        for (const v of d.declarations) {
          const bound = patternNames(v.id);
          declare(...bound);
          if (v.init) parts.push(`(${text(v.id)} = ${text(v.init)});`);
          else parts.push(...bound.map((n) => `${n} = undefined;`));
        }
        body.push(parts.join(" "));
        return;
      }
      case "FunctionDeclaration": {
        const d = s as import("acorn").FunctionDeclaration;
        declare(d.id.name);
        hoisted.push(`${d.id.name} = ${text(d)};`);
        return;
      }
      case "ClassDeclaration": {
        const d = s as import("acorn").ClassDeclaration;
        declare(d.id.name);
        body.push(`${d.id.name} = ${text(d)};`);
        return;
      }
      case "ExportNamedDeclaration":
      case "ExportDefaultDeclaration":
      case "ExportAllDeclaration":
        throw new CellSyntaxError(`line ${s.loc!.start.line}: a cell cannot export (write the declaration without "export")`);
      case "ExpressionStatement":
        if (i === statements.length - 1) {
          // The cell's value, as tslab shows a last expression (undefined shows nothing).
          returnsValue = true;
          body.push(`return (${text((s as import("acorn").ExpressionStatement).expression)});`);
          return;
        }
        body.push(text(s));
        return;
      default:
        body.push(text(s));
    }
  });
  return { code: [...hoisted, ...body].join("\n"), names, returnsValue };
}

/** A cell's TypeScript source → what the page runs. Throws {@link CellSyntaxError} for code that does not parse. */
export function pageCell(source: string): PageCell {
  return rewriteTopLevel(stripTypes(source));
}
