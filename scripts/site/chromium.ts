/**
 * Headless Chromium for the site and live-kernel tests: the system's /usr/bin/chromium driven
 * by playwright-core (never a downloaded browser), with a fresh profile that is deleted on close.
 */
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where Chromium is looked for: $CHROMIUM, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  return process.env.CHROMIUM ?? "/usr/bin/chromium";
}

/**
 * Flags for a quiet, reproducible headless run: no sandbox (CI runs as root), no GPU, and no
 * background traffic of Chromium's own (updates, sync, field trials) that would show up as
 * requests leaving the machine. playwright adds --headless and --user-data-dir itself.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A browser context and a close() that also removes its temporary profile. */
export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** Viewport width × height in CSS pixels (default 1280 × 900). */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * Starts headless Chromium with a fresh --user-data-dir. Throws a message with the fix when
 * Chromium is not installed (the project never downloads a browser).
 */
export async function launchChromium(opts: LaunchOptions = {}): Promise<Chromium> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium not found at ${executablePath}: install it (sudo apt-get install chromium) or set CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), "tsdl-chromium-"));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: opts.viewport?.width ?? 1280, height: opts.viewport?.height ?? 900 },
      timeout: 60_000,
    });
    return {
      context,
      close: async () => {
        try {
          await context.close();
        } finally {
          rmSync(profile, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}
