// Types for Framework's standard library as modules import it (pages get it implicitly): only what
// this project's modules use. Framework resolves FileAttachment's literal path against the module's own.
declare module "observablehq:stdlib" {
  export interface AttachedFile {
    arrayBuffer(): Promise<ArrayBuffer>;
    json(): Promise<unknown>;
    text(): Promise<string>;
  }
  export function FileAttachment(name: string): AttachedFile;
}
