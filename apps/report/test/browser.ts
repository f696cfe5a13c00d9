/**
 * A real Chromium for the HTML report's tests: Debian's package (which `.ci/run` installs), driven by
 * playwright-core. `ARLO_READY_CHROMIUM` names another binary. Screenshots go under the test output
 * directory (`apps/report/test-output/html/`, ignored by git) for a person to look at; with
 * `ARLO_READY_DOCS_SCREENSHOTS=1` the README's two screenshots under `docs/` are written as well.
 */
import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"

const candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]

/** The Chromium binary, or a clear error saying how to get one. */
export const chromiumPath = (): string => {
  const chosen = process.env.ARLO_READY_CHROMIUM
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`ARLO_READY_CHROMIUM=${chosen}: no such file`)
    return chosen
  }
  const found = candidates.find((p) => existsSync(p))
  if (!found) {
    throw new Error(
      "no Chromium for the HTML report's browser tests: install it (`apt-get install chromium`, as .ci/run does) or set ARLO_READY_CHROMIUM"
    )
  }
  return found
}

export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: chromiumPath(), args: ["--disable-gpu", "--disable-dev-shm-usage"] })

export const outputDir = fileURLToPath(new URL("../test-output/html/", import.meta.url))
export const docsDir = fileURLToPath(new URL("../../../docs/", import.meta.url))

/** Where a screenshot goes: the test output directory, created on demand. */
export const shotPath = (name: string): string => {
  const path = `${outputDir}${name}.png`
  mkdirSync(dirname(path), { recursive: true })
  return path
}

export const docsScreenshots = process.env.ARLO_READY_DOCS_SCREENSHOTS === "1"
