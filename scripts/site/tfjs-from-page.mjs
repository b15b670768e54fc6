// An esbuild plugin for the site's bundles: tfjs is not bundled, every
// `import ... from "@tensorflow/tfjs"` becomes the page's `window.tf` (the site's shared
// assets/tfjs/tf.min.js, loaded first), so code that registers with tfjs (SeededDropout)
// registers with the very tfjs the page uses.
export function tfjsFromPage(bundle) {
  return {
    name: "tfjs-from-page",
    setup(b) {
      b.onResolve({ filter: /^@tensorflow\/tfjs(-core|-layers)?$/ }, (args) => ({ path: args.path, namespace: "tfjs-from-page" }));
      b.onLoad({ filter: /.*/, namespace: "tfjs-from-page" }, () => ({
        contents: `if (typeof window.tf !== "object") throw new Error("${bundle} needs tfjs (tf.min.js) loaded before it"); module.exports = window.tf;`,
        loader: "js",
      }));
    },
  };
}
