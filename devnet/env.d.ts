// Vite (and vitest) load `?raw` imports as the file's text; the Solidity sources travel with the
// built devnet this way, so `out/devnet` needs no path back to the source tree.
declare module '*.sol?raw' {
  const source: string;
  export default source;
}
