// pdfjs-dist ships no declaration for its worker module; only `WorkerMessageHandler` is used (main-thread worker).
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}
