import { defineConfig, type Options } from "tsup";

/** The one build config: each package only names its entry points. */
export function weftBuild(entry: string[] = ["src/index.ts"], extra: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry,
    format: ["esm"],
    target: "node20",
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
    treeshake: true,
    ...extra,
  });
}
