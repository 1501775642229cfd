// Executes the core's plans on ORT sessions, mechanically: the core decides, this file obeys.
// State tensors stay as ORT tensors between runs (gpu-buffer on WebGPU) and are disposed when
// replaced or when the runner is disposed; only outputs the core asked for are copied into it.
// An in-place slot (WebGPU) is one GPU buffer for the whole generation: bound as the input and
// as the output that updates it, so the graph writes into the tensor it reads. A plan that
// updates one keeps its host inputs and outputs on the device too (device-io.js).

import { DeviceIo } from './device-io.js';
import { arrayFor, elementCount, gpuZerosTensor, tensorData, zerosTensor } from './tensors.js';

export class PlanRunner {
  constructor(ort, sessions, generator, backend) {
    this.ort = ort;
    this.sessions = sessions;
    this.generator = generator;
    this.backend = backend;
    this.deviceIo = null; // made for the first plan kept on the device
    // init "from": another component's run writes the slot first; until then it holds nothing.
    this.slotInfo = JSON.parse(generator.slotsJson());
    this.slots = this.slotInfo.map((s) => {
      if (s.init === 'from' || s.used === false) return null; // written first / never read
      const onGpu = s.in_place && backend === 'webgpu' && elementCount(s.shape) > 0;
      return onGpu ? gpuZerosTensor(ort, s.dtype, s.shape) : zerosTensor(ort, s.dtype, s.shape);
    });
    this.constants = JSON.parse(generator.constantsJson()).map((c, i) => {
      const values = arrayFor(c.dtype).from(generator.constantView(i));
      return new ort.Tensor(c.dtype, values, c.shape);
    });
    this.runMs = 0;
  }

  /** Live ORT tensors this runner holds (state slots and constants). */
  get liveTensors() {
    return this.slots.filter(Boolean).length + this.constants.filter(Boolean).length;
  }

  async run(planText) {
    const plan = JSON.parse(planText);
    const session = this.sessions.get(plan.component);
    if (!session) throw new Error(`weft: plan names unknown component '${plan.component}'`);
    const gen = this.generator;
    const device = this.onDevice(plan);
    const feeds = {};
    for (const input of plan.inputs) {
      if (input.host !== undefined && device && !input.on_host) {
        feeds[input.name] = device.input(input.name, input.dtype, gen.inputView(input.host), input.shape);
      } else if (input.host !== undefined) {
        // slice(): ORT may read the data after the core's memory has grown (views would detach).
        feeds[input.name] = new this.ort.Tensor(input.dtype, gen.inputView(input.host).slice(), input.shape);
      } else if (input.slot !== undefined) {
        feeds[input.name] = this.slots[input.slot];
        if (!feeds[input.name]) {
          const from = this.slotInfo[input.slot].from;
          throw new Error(`weft: plan for '${plan.component}' reads state '${input.name}' before ${from?.component ?? 'anything'} wrote it`);
        }
      } else {
        feeds[input.name] = this.constants[input.const];
      }
    }
    const fetches = {};
    for (const output of plan.outputs) fetches[output.name] = this.inPlace(output) ? this.slots[output.slot] : null;
    const started = performance.now();
    const results = await session.run(feeds, fetches);
    this.runMs += performance.now() - started;
    try {
      for (const output of plan.outputs) {
        const tensor = results[output.name];
        if (this.inPlace(output)) {
          results[output.name] = null; // the slot's own tensor, now updated
        } else if (output.slot !== undefined) {
          this.slots[output.slot]?.dispose();
          this.slots[output.slot] = tensor;
          results[output.name] = null;
        } else if (output.host !== undefined) {
          const data = device && tensor.location === 'gpu-buffer' ? await device.download(tensor) : await tensorData(tensor);
          const n = output.tail ?? data.length;
          gen.outputView(output.host, n).set(n === data.length ? data : data.subarray(data.length - n));
        }
      }
    } finally {
      for (const tensor of Object.values(results)) tensor?.dispose();
    }
  }

  inPlace(output) {
    return output.slot !== undefined && this.slotInfo[output.slot].in_place;
  }

  /** The DeviceIo of a plan that updates a slot in place on WebGPU, else null. */
  onDevice(plan) {
    if (this.backend !== 'webgpu' || !plan.outputs.some((o) => this.inPlace(o))) return null;
    this.deviceIo ??= new DeviceIo(this.ort);
    return this.deviceIo;
  }

  dispose() {
    this.deviceIo?.dispose();
    this.deviceIo = null;
    for (const tensor of [...this.slots, ...this.constants]) tensor?.dispose();
    this.slots = [];
    this.constants = [];
  }
}
