// The base of every task (what load() returns): the members any package has, whatever its
// generator type, and the conversion of a call's camelCase options into the core's JSON options,
// driven by the options schema the core reports for the type (Model.infoJson().options).

export class Task {
  /** The manifest's generator.type this task serves; each task class sets it. */
  static generatorType = null;
  /** Options the JS layer takes itself (callbacks, signals, text before tokenization). */
  static jsOptions = [];
  /** Core options the task derives from other arguments; callers cannot pass them. */
  static derivedOptions = [];

  constructor(model) {
    this.model = model;
  }

  get name() { return this.model.name; }
  /** The generator type served (weft.json generator.type); weft.d.ts narrows a task union by it. */
  get kind() { return this.constructor.generatorType; }
  /** The execution provider actually used. */
  get backend() { return this.model.backend; }
  /** The package's declared precision ('fp32', 'fp16', 'int8'), or null when it names none. */
  get precision() { return this.model.precision; }
  get info() { return this.model.info; }
  get tokenizer() { return this.model.tokenizer; }
  /** ORT tensors held by running generations (0 when idle). */
  liveTensors() { return this.model.liveTensors(); }
  /** Where running generations keep their state tensors, one per slot. */
  stateLocations() { return this.model.stateLocations(); }
  dispose() { return this.model.dispose(); }
}

/**
 * The core's options JSON for a call: every defined entry of `options` must be one of the type's
 * options (by its JS name) or one of the task's jsOptions, else the call fails naming the known
 * ones; `derived` (JS names too) are the task's own values, which win.
 */
export function coreOptions(task, options, derived = {}) {
  const { jsOptions, derivedOptions } = task.constructor;
  const schema = task.model.info.options;
  const byJsName = new Map(schema.map((o) => [o.js, o.name]));
  const out = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || jsOptions.includes(key)) continue;
    if (!byJsName.has(key) || derivedOptions.includes(key)) {
      const known = [...schema.map((o) => o.js).filter((n) => !derivedOptions.includes(n)), ...jsOptions];
      throw new TypeError(`weft: ${task.name}: unknown option '${key}' (options: ${known.join(', ')})`);
    }
    out[byJsName.get(key)] = value;
  }
  for (const [key, value] of Object.entries(derived)) {
    if (value === undefined) continue;
    if (!byJsName.has(key)) throw new Error(`weft: ${task.name}: the core has no option '${key}' for a ${task.constructor.generatorType} generator`);
    out[byJsName.get(key)] = value;
  }
  return JSON.stringify(out, (_, v) => (typeof v === 'bigint' ? String(v) : v));
}
