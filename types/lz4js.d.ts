/** Ambient types for `lz4js` 0.2 (CommonJS, no shipped types): LZ4 frame format in pure JavaScript. */
declare module 'lz4js' {
  const lz4js: {
    /** Decompresses one LZ4 frame; `maxSize` bounds the output (default: computed from the frame). */
    decompress(src: Uint8Array, maxSize?: number): Uint8Array;
    /** Compresses `src` into one LZ4 frame. */
    compress(src: Uint8Array, maxSize?: number): Uint8Array;
  };
  export = lz4js;
}
