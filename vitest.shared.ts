import { fileURLToPath } from "node:url"
import { defineProject } from "vitest/config"

const root = fileURLToPath(new URL(".", import.meta.url))

/**
 * One vitest project per workspace package. Workspace packages resolve to their TypeScript sources,
 * so tests never run against a stale build.
 */
export const project = (name: string) =>
  defineProject({
    resolve: {
      alias: [
        { find: /^@arlo-ready\/(core|simulator|cli-kit)$/, replacement: `${root}packages/$1/src/index.ts` },
        { find: /^@arlo-ready\/(core|simulator|cli-kit)\/(.+)$/, replacement: `${root}packages/$1/src/$2.ts` }
      ]
    },
    test: {
      name,
      include: ["test/**/*.test.{ts,tsx}"],
      testTimeout: 30_000,
      hookTimeout: 30_000
    }
  })
