/**
 * Ambient types for `numcodecs` (0.3.x). Its shipped .d.ts files use extensionless relative imports,
 * which do not resolve under `moduleResolution: nodenext` (see shared tech-notes §2.1); this shim
 * declares the parts batchflow-ts uses. `encode`/`decode` are asynchronous (the WASM module loads
 * on first use).
 */
declare module 'numcodecs/blosc' {
  /** Blosc shuffle modes. */
  export type BloscShuffle = -1 | 0 | 1 | 2;
  export interface BloscConfig {
    /** Compression level 0..9 (default 5). */
    clevel?: number;
    /** 'blosclz' | 'lz4' | 'lz4hc' | 'snappy' | 'zlib' | 'zstd' (default 'lz4'). */
    cname?: string;
    /** 0 = none, 1 = byte shuffle, 2 = bit shuffle, -1 = auto (default 1). */
    shuffle?: BloscShuffle;
    /** Block size in bytes; 0 = automatic. */
    blocksize?: number;
  }
  export interface BloscCodec {
    encode(data: Uint8Array): Promise<Uint8Array>;
    decode(data: Uint8Array, out?: Uint8Array): Promise<Uint8Array>;
  }
  const Blosc: {
    readonly codecId: 'blosc';
    readonly COMPRESSORS: readonly string[];
    readonly NOSHUFFLE: 0;
    readonly SHUFFLE: 1;
    readonly BITSHUFFLE: 2;
    readonly AUTOSHUFFLE: -1;
    fromConfig(config: BloscConfig & { id?: string }): BloscCodec;
  };
  export default Blosc;
}

declare module 'numcodecs' {
  export { default as Blosc } from 'numcodecs/blosc';
}
