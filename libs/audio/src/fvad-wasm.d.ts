declare module '@echogarden/fvad-wasm' {
  /** Emscripten module surface of libfvad as shipped by @echogarden/fvad-wasm. */
  export interface FvadModule {
    HEAP16: Int16Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _fvad_new(): number;
    _fvad_free(inst: number): void;
    _fvad_reset(inst: number): void;
    _fvad_set_mode(inst: number, mode: number): number;
    _fvad_set_sample_rate(inst: number, rate: number): number;
    /** 1 = speech, 0 = non-speech, -1 = invalid frame length. */
    _fvad_process(inst: number, framePtr: number, length: number): number;
  }
  const factory: (moduleArg?: object) => Promise<FvadModule>;
  export default factory;
}
