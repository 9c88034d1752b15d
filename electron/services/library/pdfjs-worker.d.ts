// pdfjs-dist ships no declarations for its worker module; extract.ts only hands the module to
// pdf.js as `globalThis.pdfjsWorker`, so its shape does not matter here.
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
