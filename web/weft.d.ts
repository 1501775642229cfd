// Public types of the Weft JS layer.

export type Backend = 'auto' | 'webgpu' | 'wasm' | 'cpu';

export interface LoadProgress {
  phase: 'download' | 'session' | 'ready';
  file?: string;
  loaded?: number;
  total?: number;
  backend?: string;
}

export interface LoadOptions {
  /** Any onnxruntime-common implementation (default: onnxruntime-web). */
  ort?: unknown;
  /** Execution provider; 'auto' tries WebGPU then WASM on onnxruntime-web, 'cpu' on onnxruntime-node. */
  backend?: Backend;
  onProgress?: (progress: LoadProgress) => void;
  signal?: AbortSignal;
  /** Check every file against the manifest's sha256 (default true). */
  verify?: boolean;
  /** Extra onnxruntime session options merged into Weft's. */
  sessionOptions?: Record<string, unknown>;
  fetch?: typeof fetch;
}

export interface ModelInfo {
  name: string;
  format: string;
  dims: Record<string, number>;
  generator: { type: string; component: string; [key: string]: unknown };
  generation: Record<string, unknown>;
}

interface Task {
  readonly name: string;
  /** The execution provider actually used. */
  readonly backend: string;
  readonly info: ModelInfo;
  /** ORT tensors held by running generations (0 when idle). */
  liveTensors(): number;
  /** Where running generations keep their state tensors: 'gpu-buffer' on WebGPU, 'cpu' otherwise. */
  stateLocations(): string[];
  dispose(): Promise<void>;
}

export interface GenerateOptions {
  /** Prompt token ids; or give `text` instead when the package ships a tokenizer. */
  prompt?: number[] | Int32Array;
  text?: string;
  maxNewTokens?: number;
  doSample?: boolean;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
  /** PRNG seed (a number below 2^53, or a decimal string / bigint for all 64 bits). */
  seed?: number | string | bigint;
  eosTokenId?: number | number[] | null;
  signal?: AbortSignal;
  onToken?: (token: number, index: number) => void;
}

export interface GenerateResult {
  tokens: Int32Array;
  /** The new tokens decoded, when the package ships a tokenizer. */
  text?: string;
  steps: number;
  stats: { coreMs: number; runMs: number; totalMs: number; tokensPerSecond: number };
}

export interface TextGenerator extends Task {
  /** The package's tokenizer (manifest `tokenizer.file`), or null when it ships none. */
  readonly tokenizer: Tokenizer | null;
  generate(options: GenerateOptions): Promise<GenerateResult>;
}

export interface ProcessOptions {
  sampleRate?: number;
  signal?: AbortSignal;
  onResult?: (value: number, index: number) => void;
}

export interface StreamProcessor extends Task {
  readonly sampleRate: number | null;
  readonly chunkSize: number | null;
  process(samples: Float32Array, options?: ProcessOptions): Promise<{
    results: Float32Array;
    steps: number;
    stats: { runMs: number; totalMs: number };
  }>;
}

/** Anything classify() accepts; raw bytes need {width, height} in the options. */
export type ImageInput = HTMLImageElement | ImageBitmap | ImageData | Blob | HTMLCanvasElement | OffscreenCanvas
  | VideoFrame | { data: Uint8Array | Uint8ClampedArray; width: number; height: number } | Uint8Array | Uint8ClampedArray | ArrayBuffer;

export interface ClassifyOptions {
  topK?: number;
  /** Required for raw RGBA bytes. */
  width?: number;
  height?: number;
  signal?: AbortSignal;
}

export interface Label { label: string; score: number; index: number }

export interface ImageClassifier extends Task {
  readonly labels: string[] | null;
  readonly multiLabel: boolean;
  readonly preprocess: { resize: number | [number, number]; crop: number | [number, number]; mean: number[]; std: number[]; interpolation: string };
  classify(image: ImageInput, options?: ClassifyOptions): Promise<Label[]>;
  classifyDetailed(image: ImageInput, options?: ClassifyOptions): Promise<{
    top: Label[];
    logits: Float32Array;
    stats: { width: number; height: number; preprocessMs: number; coreMs: number; runMs: number; totalMs: number };
  }>;
}

export function load(source: string | URL, options?: LoadOptions): Promise<TextGenerator | StreamProcessor | ImageClassifier>;

/** The Embind module of the core (advanced use: Model, Sampler, version, heapBytesInUse). */
export function loadCore(): Promise<any>;

/** A tokenizer from the core: Hugging Face tokenizer.json or SentencePiece .model. */
export interface EncodeOptions { addSpecialTokens?: boolean }
export interface DecodeOptions { skipSpecialTokens?: boolean }
export declare class Tokenizer {
  readonly info: { model: 'BPE' | 'WordPiece' | 'Unigram'; vocab_size: number; pad_id: number; max_length: number; pad_length: number; format: string };
  readonly vocabSize: number;
  /** Strings or raw UTF-8 bytes (invalid sequences become U+FFFD per maximal subpart). */
  encode(text: string | Uint8Array, options?: EncodeOptions): Int32Array;
  /** A view of WASM memory, valid until the next call into the core (no copy). */
  encodeView(text: string | Uint8Array, options?: EncodeOptions): Int32Array;
  encodeBatch(texts: (string | Uint8Array)[], options?: EncodeOptions): Int32Array[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  idToToken(id: number): string;
  tokenToId(token: string): number;
  isSpecial(id: number): boolean;
  setTruncation(maxLength: number): void;
  setPadding(length: number, padId?: number): void;
  dispose(): void;
}
export function loadTokenizer(source: string | URL | Uint8Array | ArrayBuffer,
  options?: { format?: 'json' | 'sentencepiece'; fetch?: typeof fetch }): Promise<Tokenizer>;
