import { defineConfig } from "vitest/config";

// One vitest project per workspace package; each package's own
// vitest.config.ts (built with `weftProject`) names it and points
// `@weft/*` imports at sibling sources so tests never need a build.
export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "apps/*/vitest.config.ts"],
  },
});
