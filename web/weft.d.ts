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
  prompt: number[] | Int32Array;
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
  steps: number;
  stats: { coreMs: number; runMs: number; totalMs: number; tokensPerSecond: number };
}

export interface TextGenerator extends Task {
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

export function load(source: string | URL, options?: LoadOptions): Promise<TextGenerator | StreamProcessor>;

/** The Embind module of the core (advanced use: Model, Sampler, version, heapBytesInUse). */
export function loadCore(): Promise<any>;
