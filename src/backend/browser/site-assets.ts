/**
 * How a page loads the site's own assets: as classic scripts (pages opened from file:// cannot
 * import modules or fetch files). Shared by the wasm backend's loader and the lesson runner.
 */

/** Appends a classic script and resolves when it has run. */
export function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(s);
  });
}
