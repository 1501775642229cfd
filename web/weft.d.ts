// Public types of the Weft JS layer. They compile with or without the DOM lib (a Node project):
// browser-only classes are named through Global<…>, which is `never` where the lib lacks them.

/** The instance type of a global class when the project's libs declare it, else never. */
type Global<Name extends string> = typeof globalThis extends { [K in Name]: { prototype: infer T } } ? T : never;
type Signal = Global<'AbortSignal'>;
/** A URL or its text (a path too, in Node). */
type Where = string | Global<'URL'>;
type Fetch = typeof globalThis extends { fetch: infer F } ? F : never;

export type Backend = 'auto' | 'webgpu' | 'wasm' | 'cpu';
/** The precision of a package's weights (weft.json `precision`). */
export type Precision = 'fp32' | 'fp16' | 'int8';

export interface LoadProgress {
  phase: 'download' | 'session' | 'ready';
  file?: string;
  loaded?: number;
  total?: number;
  backend?: string;
  /** True when the file came from the offline cache (Cache API) after passing its checks. */
  cached?: boolean;
}

export interface LoadOptions {
  /** Any onnxruntime-common implementation (default: onnxruntime-web). */
  ort?: unknown;
  /**
   * Execution provider; 'auto' tries WebGPU then WASM on onnxruntime-web, 'cpu' on onnxruntime-node.
   * In browsers with no `ort` given, 'wasm' loads onnxruntime-web's wasm-only build, anything else its WebGPU build.
   */
  backend?: Backend;
  /**
   * For an index weft.json (one package per precision): load this precision's variant instead of
   * the first one for the resolved backend. A package that names another precision is refused.
   */
  precision?: Precision;
  /**
   * The generator type the package must have (its weft.json `generator.type`); it types the result
   * (TaskKinds) and a package of another type is refused before its files are downloaded.
   */
  kind?: ModelKind;
  /**
   * Where the core's weft-core.wasm is fetched from when not from next to the package's own files
   * (where bundlers emit it): its URL, or a folder URL ending in '/'. The first load in a realm decides.
   */
  coreUrl?: Where;
  onProgress?: (progress: LoadProgress) => void;
  signal?: Signal;
  /** Check every file against the manifest's sha256 (default true). */
  verify?: boolean;
  /**
   * Browsers: keep verified package files in the Cache API for offline use (default true; a string
   * names the Cache). Cached files are checked against the manifest again on every load.
   */
  cache?: boolean | string;
  /**
   * What the package may make Weft allocate, checked before anything is: weft.json's size and
   * nesting, and the elements of any declared state slot, constant or host buffer
   * (defaults: 16 MiB, 2^28 elements, 64 levels).
   */
  budgets?: { manifest_bytes?: number; tensor_elements?: number; json_depth?: number };
  /** Extra onnxruntime session options merged into Weft's. */
  sessionOptions?: Record<string, unknown>;
  fetch?: Fetch;
}

/** One option of a generator type, as the core's options schema reports it. */
export interface OptionInfo {
  /** The core's (manifest `generation`) name, snake_case. */
  name: string;
  /** The name a task's options object uses. */
  js: string;
  kind: string;
  doc: string;
  default: unknown;
  min?: number;
  max?: number;
  min_exclusive?: boolean;
}

export interface ModelInfo {
  name: string;
  format: string;
  dims: Record<string, number>;
  generator: { type: string; [key: string]: unknown };
  /** The effective defaults of a request (built-in ones overridden by the manifest). */
  generation: Record<string, unknown>;
  tokenizer: { file: string; sha256: string | null; bytes: number | null } | null;
  /** The package's weft.json `precision` and `backends`, null when it names none. */
  precision: Precision | null;
  backends: Array<'webgpu' | 'wasm' | 'cpu'> | null;
  /** The options a request of this generator type takes. */
  options: OptionInfo[];
}

interface Task {
  readonly name: string;
  /** The execution provider actually used. */
  readonly backend: string;
  /** The loaded package's precision (its weft.json `precision`), null when it names none. */
  readonly precision: Precision | null;
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
  signal?: Signal;
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
  signal?: Signal;
  onResult?: (value: number, index: number) => void;
}

/** Live input: push() gives the results of the chunks completed so far; end() flushes the zero-padded tail. */
export interface ResultStream {
  push(samples: Float32Array): Promise<Float32Array>;
  end(): Promise<Float32Array>;
  cancel(): void;
}

export interface StreamProcessor extends Task {
  readonly sampleRate: number | null;
  readonly chunkSize: number | null;
  /** Samples of the previous input prepended to each chunk (generator.context); 0 when none. */
  readonly contextSize: number;
  process(samples: Float32Array, options?: ProcessOptions): Promise<{
    results: Float32Array;
    steps: number;
    stats: { runMs: number; totalMs: number };
  }>;
  /** Live input (e.g. a microphone); state carries across pushes. */
  stream(options?: { sampleRate?: number; signal?: Signal }): ResultStream;
}

/**
 * Anything classify() accepts: a decodable DOM/Web object, RGBA pixels (raw bytes need {width, height}
 * in the options), PNG or JPEG file bytes (Uint8Array, Node's Buffer, ArrayBuffer), or in Node a file path.
 */
export type ImageInput = Global<'HTMLImageElement'> | Global<'ImageBitmap'> | Global<'ImageData'> | Global<'Blob'>
  | Global<'HTMLCanvasElement'> | Global<'OffscreenCanvas'> | Global<'VideoFrame'> | { data: Uint8Array | Uint8ClampedArray; width: number; height: number } | Uint8Array | Uint8ClampedArray | ArrayBuffer | string;

export interface ClassifyOptions {
  topK?: number;
  /** Required for raw RGBA bytes (not for PNG or JPEG bytes). */
  width?: number;
  height?: number;
  signal?: Signal;
}

export interface Label { label: string; score: number; index: number }

/** generator.preprocess of a classifier manifest; absent keys take their defaults. */
export interface ImagePreprocess {
  resize?: number | [number, number]
    | { mode: 'fit' | 'height'; height: number; width?: number; max_width?: number; rounding: 'half_even' | 'ceil' | 'floor' };
  crop?: number | [number, number];
  pad?: { size: number | [number, number]; position?: 'top-left' | 'center'; value?: number | number[]; normalized_value?: number | number[] };
  channels?: 'rgb' | 'bgr';
  mean?: number[];
  std?: number[];
  interpolation?: 'bilinear' | 'bicubic';
  max_pixels?: number;
}

export interface ImageClassifier extends Task {
  readonly labels: string[] | null;
  readonly multiLabel: boolean;
  /** The manifest's generator.preprocess, as written (docs/MANIFEST.md, classifier). */
  readonly preprocess: ImagePreprocess;
  classify(image: ImageInput, options?: ClassifyOptions): Promise<Label[]>;
  classifyDetailed(image: ImageInput, options?: ClassifyOptions): Promise<{
    top: Label[];
    logits: Float32Array;
    stats: { width: number; height: number; preprocessMs: number; coreMs: number; runMs: number; totalMs: number };
  }>;
}

/** A streamed piece of the generated audio (MusicGenerator, with onAudio). */
export interface AudioChunk {
  /** Mono samples at sampleRate; one array per description when several were given. */
  audio: Float32Array | Float32Array[];
  /** Sample offset of this chunk in the whole output (the prompt included). */
  offset: number;
  sampleRate: number;
  /** True for the last chunk. */
  final: boolean;
  /** Decoder steps done when the chunk was made, of `steps`. */
  stepsDone: number;
  steps: number;
}

/** Progress of a MusicGen request (onProgress, after every decoder step). */
export interface MusicProgress {
  /** Frames (50 per second) of the whole song whose codes are final, of `frames`. */
  framesDone: number;
  frames: number;
  stepsDone: number;
  steps: number;
  /** The running generation window (0-based) of `windows`: requests longer than maxDuration run as several. */
  window: number;
  windows: number;
  elapsedMs: number;
}

export interface MusicOptions {
  /** A description, or several (one output each); none: unconditional. */
  text?: string;
  texts?: string[];
  /** Token ids per description instead of text (e.g. from your own tokenizer); ragged rows are right-padded with textPadId. */
  textIds?: number[][];
  /** 0/1 per token of textIds (then every row has the padded length). */
  textMask?: number[][];
  textPadId?: number;
  /** Outputs of an unconditional request (no text). */
  batch?: number;
  /** Total duration in seconds, the prompt included (audiocraft's meaning). */
  seconds?: number;
  /** Frames (50 per second) to add after the prompt, instead of seconds. */
  maxNewFrames?: number;
  /** Classifier-free guidance scale (default 3; 1 turns it off; under semantics 'audiocraft' any value, always guided). */
  cfg?: number;
  /**
   * Whose results to reproduce where audiocraft and transformers differ: padded text batches,
   * topP (audiocraft: any topP > 0 replaces topK, boundary and order of torch's sort), cfg < 1.
   * Default: the package's (audiocraft fine-tunes export 'audiocraft'), else 'transformers'.
   */
  semantics?: 'transformers' | 'audiocraft';
  /** Seconds per generation window (default 30); longer requests continue in windows, as audiocraft does. */
  maxDuration?: number;
  /** Seconds each further window moves on by (default 18, audiocraft's). */
  extendStride?: number;
  /** Called after every decoder step. */
  onProgress?: (progress: MusicProgress) => void;
  /** Defaults: sampling, topK 250, topP 0 (off; when > 0 it replaces topK), temperature 1. */
  doSample?: boolean;
  topK?: number;
  topP?: number;
  temperature?: number;
  seed?: number | string | bigint;
  signal?: Signal;
  /** Called with each streamed chunk; turns streaming on. */
  onAudio?: (chunk: AudioChunk) => void;
  /** Streaming windows in frames (defaults: window 50, context 10, lookahead 10, crossfade 5). */
  stream?: boolean | { window?: number; context?: number; lookahead?: number; crossfade?: number };
  returnCodes?: boolean;
}

export interface MusicResult {
  /** The one-shot decode of every frame (prompt included); one array per description when several. */
  audio: Float32Array | Float32Array[];
  sampleRate: number;
  /** With returnCodes: codes[codebook][frame] (one such array per description when several). */
  codes?: Int32Array[] | Int32Array[][];
  steps: number;
  frames: number;
  stepsPerSecond: number;
  timeToFirstAudioMs: number;
  stats: { coreMs: number; runMs: number; totalMs: number; runs: number; chunks: number; windows: number };
}

export interface MusicGenerator extends Task {
  readonly sampleRate: number;
  generate(options?: MusicOptions): Promise<MusicResult>;
  /** Continues a clip (mono, or one Float32Array per channel) at any sample rate. */
  continue(audio: Float32Array | Float32Array[], sampleRate: number, options?: MusicOptions): Promise<MusicResult>;
  /** Continues codes an earlier returnCodes gave: codes[codebook][frame], or one such set per description. */
  continue(prompt: { codes: Array<Int32Array | number[]> | Array<Array<Int32Array | number[]>> }, options?: MusicOptions): Promise<MusicResult>;
}

/** A decoded frame of speech (SpeechSynthesizer, with onAudio). */
export interface SpeechChunk {
  /** Mono samples at sampleRate (one frame: 1920 samples at 24 kHz). */
  audio: Float32Array;
  /** Sample offset of this chunk in the whole output. */
  offset: number;
  sampleRate: number;
}

export interface SpeakOptions {
  /** The text to speak; it is normalized and split into chunks as the model's package does. */
  text: string;
  /** A voice from voiceFrom() (or its stored bytes); none: the model's unconditioned voice. */
  voice?: Uint8Array | ArrayBuffer;
  /** Noise scale of the flow head: sqrt(temperature) * N(0, 1); default the package's (0.3); 0: none. */
  temperature?: number;
  seed?: number | string | bigint;
  /** Speech ends once the EOS logit exceeds it (default the package's). */
  eosThreshold?: number;
  /** Frames after EOS (default: 1, or 3 for four words or fewer, plus 2). */
  framesAfterEos?: number;
  /** Text tokens per chunk (default 50). */
  maxTokensPerChunk?: number;
  signal?: Signal;
  /** Called with each decoded frame as soon as it exists. */
  onAudio?: (chunk: SpeechChunk) => void;
  /** Keep the whole audio for the result (default true; false for very long texts: only onAudio gets it). */
  keepAudio?: boolean;
}

export interface SpeechResult {
  audio: Float32Array;
  sampleRate: number;
  samples: number;
  timeToFirstAudioMs: number;
  /** Seconds of audio per second of wall time. */
  realTimeFactor: number;
  stats: { coreMs: number; runMs: number; totalMs: number; runs: number; chunks: number; frames: number; chunksCapped: number };
}

export interface SpeechSynthesizer extends Task {
  readonly sampleRate: number;
  speak(options: SpeakOptions): Promise<SpeechResult>;
  /** A voice from a clip of speech (mono, or one Float32Array per channel) at any sample rate: bytes to keep and pass to speak({ voice }). */
  voiceFrom(audio: Float32Array | Float32Array[], sampleRate: number, options?: { signal?: Signal }): Promise<Uint8Array>;
}

/**
 * The task load() gives for each generator type (weft.json `generator.type`). A new type adds one
 * line here (and its task class to TASKS in weft.js); `kind`, load()'s and loadInWorker()'s result
 * types and the AnyTask union follow from this map.
 */
export interface TaskKinds {
  decoder: TextGenerator;
  stream: StreamProcessor;
  classifier: ImageClassifier;
  musicgen: MusicGenerator;
  pocket_tts: SpeechSynthesizer;
}
export type ModelKind = keyof TaskKinds;
/** The task of one kind; `kind` is its generator type, so a union of tasks narrows by it. */
export type TaskOf<K extends ModelKind> = TaskKinds[K] & { readonly kind: K };
/** What load() gives without options.kind: any task, narrowed by `task.kind === '…'`. */
export type AnyTask = { [K in ModelKind]: TaskOf<K> }[ModelKind];

/** Loads a package of the kind named in options.kind (checked against its weft.json), typed as that kind's task. */
export function load<K extends ModelKind>(source: Where, options: LoadOptions & { kind: K }): Promise<TaskOf<K>>;
/** Loads a package of any kind; narrow the result by its `kind`. */
export function load(source: Where, options?: LoadOptions): Promise<AnyTask>;

/** A task living in a worker: its data properties copied, every method returning a Promise. */
export type Remote<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : T[K];
} & { readonly worker: Global<'Worker'> };

export interface WorkerLoadOptions extends Omit<LoadOptions, 'ort' | 'fetch'> {
  /**
   * A Worker already running the worker host (a module of yours that does `import 'weft/worker'`);
   * default: a new one, ended by dispose().
   */
  worker?: Global<'Worker'>;
  /** Where the worker host (weft/worker, web/worker-host.js) is served; default: where the bundler emitted it, or next to worker-client.js. */
  workerUrl?: Where;
  /** The onnxruntime-web ES module the worker imports (default: as this page's import map resolves 'onnxruntime-web', else the worker's own import). */
  ortUrl?: string;
}

/**
 * Loads the package inside a module Worker (weft/worker) and returns a proxy with the task's
 * methods: callbacks (onProgress, onToken, onAudio, …) run in the page, an AbortSignal aborts the
 * call in the worker, results' buffers are moved, errors keep the worker's name and message.
 */
export function loadInWorker<K extends ModelKind>(source: Where, options: WorkerLoadOptions & { kind: K }): Promise<Remote<TaskOf<K>>>;
export function loadInWorker(source: Where, options?: WorkerLoadOptions): Promise<{ [K in ModelKind]: Remote<TaskOf<K>> }[ModelKind]>;

/** Marks a typed array argument of a worker call to be moved instead of copied (the page's copy is detached). */
export function transfer<T extends ArrayBufferView | ArrayBuffer>(value: T): T;

export interface CachedPackage { url: string; bytes: number; files: { url: string; bytes: number }[] }
/** The packages kept for offline use (browsers with the Cache API; [] elsewhere). */
export function cachedPackages(options?: { cache?: string }): Promise<CachedPackage[]>;
/** Removes one package's cached files (or, with no source, all of them); returns how many were removed. */
export function clearCache(source?: Where, options?: { cache?: string }): Promise<number>;

/** The Embind module of the core (advanced use: Model, Sampler, version, heapBytesInUse); coreUrl as in LoadOptions. */
export function loadCore(options?: { coreUrl?: Where }): Promise<any>;

/** A tokenizer from the core: Hugging Face tokenizer.json or SentencePiece .model. */
export interface EncodeOptions {
  addSpecialTokens?: boolean;
  /** A second text: the two are joined by the file's post-processor (BERT: [CLS] text [SEP] pair [SEP]). */
  pair?: string | Uint8Array;
}
export interface DecodeOptions { skipSpecialTokens?: boolean }
export declare class Tokenizer {
  readonly info: { model: 'BPE' | 'WordPiece' | 'Unigram'; vocab_size: number; pad_id: number; max_length: number; pad_length: number; format: string };
  readonly vocabSize: number;
  /** Strings or raw UTF-8 bytes (invalid sequences become U+FFFD per maximal subpart). */
  encode(text: string | Uint8Array, options?: EncodeOptions): Int32Array;
  /** A view of WASM memory, valid until the next call into the core (no copy). */
  encodeView(text: string | Uint8Array, options?: EncodeOptions): Int32Array;
  encodeBatch(texts: (string | Uint8Array)[], options?: EncodeOptions): Int32Array[];
  /** A pair of texts: ids and each position's type id (0: the first text's part, 1: the second's, as the file says). */
  encodePair(text: string | Uint8Array, pair: string | Uint8Array, options?: { addSpecialTokens?: boolean }): { ids: Int32Array; typeIds: Int32Array };
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  idToToken(id: number): string;
  tokenToId(token: string): number;
  isSpecial(id: number): boolean;
  setTruncation(maxLength: number): void;
  setPadding(length: number, padId?: number): void;
  dispose(): void;
}
export function loadTokenizer(source: Where | Uint8Array | ArrayBuffer,
  options?: { format?: 'json' | 'sentencepiece'; fetch?: Fetch }): Promise<Tokenizer>;

/** Float32 samples: interleaved (frame-major) or one array per channel (as AudioBuffer gives). */
export type AudioSamples = Float32Array | ArrayLike<number> | ArrayLike<number>[];
export interface DecodedWav {
  sampleRate: number;
  channels: number;
  frames: number;
  /** What the file held: 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64'. */
  encoding: string;
  /** Interleaved, frames * channels; integers scaled by 1 / 2^(bits - 1). */
  samples: Float32Array;
}
export interface ResampleOptions {
  /** Channels of interleaved input (default 1); the output is interleaved the same way. */
  channels?: number;
  lowpassFilterWidth?: number;
  rolloff?: number;
  window?: 'hann' | 'kaiser';
  beta?: number;
  /** 'float32' (default): torchaudio on float32 waveforms; 'float64': on float64 ones. */
  precision?: 'float32' | 'float64';
}
/** WAV bytes (PCM 8/16/24/32-bit, IEEE float 32/64-bit) to float samples; other encodings are refused. */
export function decodeWav(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): Promise<DecodedWav>;
/** WAV bytes: 'pcm16' (x * 32768 rounded half to even, clipped) or 'float32' (bit-exact). */
export function encodeWav(samples: AudioSamples, sampleRate: number,
  options?: { channels?: number; format?: 'pcm16' | 'float32' }): Promise<Uint8Array>;
/** The mean of the channels of each frame. */
export function toMono(samples: AudioSamples, channels?: number): Promise<Float32Array>;
/** torchaudio.functional.resample's windowed sinc; ceil(toRate * frames / fromRate) frames out. */
export function resample(samples: AudioSamples, fromRate: number, toRate: number, options?: ResampleOptions): Promise<Float32Array>;
/** Interleaved samples to one Float32Array per channel. */
export function deinterleave(samples: ArrayLike<number>, channels: number): Float32Array[];
