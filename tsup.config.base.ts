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
    // Keep `node:` specifiers as written (tsup strips them by default), so the
    // output names Node built-ins the way the source and bundlers expect.
    removeNodeProtocol: false,
    // Runtime dependencies and peers stay imports (tsup's default); workspace
    // packages are named too so a `@weft/*` import is never inlined, even when
    // it appears only in devDependencies, in code or in declarations.
    ...extra,
    external: [/^@weft\//, ...(extra.external ?? [])],
  });
}
