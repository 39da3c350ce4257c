// another-json ships no types; only what the benchmark uses.
declare module "another-json" {
  export function stringify(value: unknown): string;
}
