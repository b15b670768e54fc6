// esbuild's `inject` (scripts/site/bundle-runner.mjs): where the bundled library names
// `process`, it gets the page's stand-in, without a global `process` that tfjs would take for Node.
export { process } from "./node-shims";
