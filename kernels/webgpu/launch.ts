/**
 * Runs this package's WGSL programs on tfjs's webgpu backend.
 *
 * Why not `backend.runWebGPUProgram`: a tfjs program has exactly one output buffer (binding 0),
 * but the normalization kernels produce several outputs per pass (`y` with `mean` and
 * `invStd`; `dgamma` with `dbeta`). Producing them with single-output programs would cost
 * extra dispatches (or copies) per call. So each program here declares its own bindings
 * (outputs `read_write`, then inputs `read`, then one uniform struct), and {@link runProgram}
 * records its dispatch into the backend's current compute pass exactly as `runWebGPUProgram`
 * does: same command encoder and pass, same deferred-submit batching, same deferred release of
 * the buffers in use, same uniform buffer pool, same timestamp queries under `tf.time`. The
 * order with respect to every other tfjs kernel is therefore preserved.
 *
 * Pipelines are cached per device under the program's `shaderKey`. The key must name every
 * choice that changes the WGSL text and nothing else; sizes, strides, epsilon and the
 * centered/statsGiven switches travel as uniforms. Key format: `tfnNorm<Program>_<role or
 * source>_wg<workgroup size>_<flags>`, each flag a letter and its value, e.g.
 * `tfnNormApply_local_wg64_r0_c0_g1_b1_l0_vpv` (each program documents its flags).
 */
import type {TensorInfo} from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import {bufferOf, internalsOf} from './backend_bridge.js';

/** One scalar of a program's uniform struct. */
export interface UniformField {
  name: string;
  type: 'u32' | 'f32';
  value: number;
}

/** A tensor bound to a program under a WGSL name, as an array of `type` (default `f32`). */
export interface ProgramBuffer {
  name: string;
  tensor: TensorInfo;
  type?: 'f32' | 'vec4<f32>';
}

/** A compute program with several outputs, run by {@link runProgram}. */
export interface NormProgram {
  /** Label of the pipeline, the shader module and of error messages. */
  name: string;
  /** Cache key of the pipeline: every choice that changes the WGSL text, nothing else. */
  shaderKey: string;
  /** Invocations per workgroup (one-dimensional). */
  workgroupSize: number;
  /** Workgroups to run; `main` receives the linear workgroup index as `tile`. */
  workgroupCount: number;
  /** Written buffers, bound first (`read_write`). */
  outputs: ProgramBuffer[];
  /** Read buffers, bound after the outputs (`read`); never empty tensors. */
  inputs: ProgramBuffer[];
  /** Scalars of the `uniforms` struct, in declaration order. */
  uniforms: UniformField[];
  /**
   * Module-scope WGSL after the generated bindings, defining
   * `fn run(tile : u32, local : u32)`, called once per invocation.
   */
  getUserCode(): string;
}

interface CachedPipeline {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const pipelinesByDevice = new WeakMap<GPUDevice, Map<string, CachedPipeline>>();

/** The program's uniforms plus `workgroupCount`, padded to a multiple of 16 bytes. */
function uniformFields(program: NormProgram): UniformField[] {
  const fields: UniformField[] = [
    ...program.uniforms,
    {name: 'workgroupCount', type: 'u32', value: program.workgroupCount},
  ];
  const padding = (4 - (fields.length % 4)) % 4;
  for (let i = 0; i < padding; i++) {
    fields.push({name: `padding${i}`, type: 'u32', value: 0});
  }
  return fields;
}

/** The bindings and the entry point that wrap a program's code. */
function shaderSource(program: NormProgram): string {
  const fields = uniformFields(program).map((u) => `  ${u.name} : ${u.type},`);
  const declare = (b: ProgramBuffer, access: string) =>
    `var<storage, ${access}> ${b.name} : array<${b.type ?? 'f32'}>;`;
  const storage = [
    ...program.outputs.map((b) => declare(b, 'read_write')),
    ...program.inputs.map((b) => declare(b, 'read')),
  ];
  const bindings = storage.map((decl, i) => `@group(0) @binding(${i}) ${decl}`);
  const uniformBinding = storage.length;

  return [
    `const WORKGROUP_SIZE = ${program.workgroupSize}u;`,
    `struct Uniforms {\n${fields.join('\n')}\n};`,
    ...bindings,
    `@group(0) @binding(${uniformBinding}) var<uniform> uniforms : Uniforms;`,
    program.getUserCode(),
    `@compute @workgroup_size(${program.workgroupSize})
fn main(@builtin(workgroup_id) workgroupId : vec3<u32>,
        @builtin(num_workgroups) numWorkgroups : vec3<u32>,
        @builtin(local_invocation_index) local : u32) {
  let tile = workgroupId.y * numWorkgroups.x + workgroupId.x;
  if (tile < uniforms.workgroupCount) {
    run(tile, local);
  }
}`,
  ].join('\n\n');
}

function compile(device: GPUDevice, program: NormProgram): CachedPipeline {
  const entries: GPUBindGroupLayoutEntry[] = [
    ...program.outputs.map(() => ({buffer: {type: 'storage' as const}})),
    ...program.inputs.map(() => ({buffer: {type: 'read-only-storage' as const}})),
    {buffer: {type: 'uniform' as const}},
  ].map((entry, binding) => ({binding, visibility: GPUShaderStage.COMPUTE, ...entry}));
  const layout = device.createBindGroupLayout({label: program.name, entries});

  const source = shaderSource(program);
  const filters = String(tf.env().get('WEBGPU_PRINT_SHADER')).toLowerCase().split(',');
  const key = program.shaderKey.toLowerCase();
  if (filters.some((f) => f === 'all' || (f !== '' && key.includes(f)))) {
    console.debug(`${program.shaderKey}\n${source}`);
  }
  const module = device.createShaderModule({label: program.name, code: source});
  const pipeline = device.createComputePipeline({
    label: program.name,
    layout: device.createPipelineLayout({label: program.name, bindGroupLayouts: [layout]}),
    compute: {module, entryPoint: 'main'},
  });
  return {pipeline, layout};
}

function pipelineOf(device: GPUDevice, program: NormProgram): CachedPipeline {
  let cache = pipelinesByDevice.get(device);
  if (cache === undefined) {
    cache = new Map();
    pipelinesByDevice.set(device, cache);
  }
  let cached = cache.get(program.shaderKey);
  if (cached === undefined) {
    cached = compile(device, program);
    cache.set(program.shaderKey, cached);
  }
  return cached;
}

/** Workgroup grid for a linear count: `[x, y]` with `x` within the per-dimension limit. */
function dispatchGrid(device: GPUDevice, count: number): [number, number] {
  const limit = device.limits.maxComputeWorkgroupsPerDimension;
  if (count <= limit) {
    return [count, 1];
  }
  const y = Math.ceil(count / limit);
  if (y > limit) {
    throw new Error(`webgpu: ${count} workgroups exceed the dispatch limit`);
  }
  return [Math.ceil(count / y), y];
}

/**
 * Records one dispatch of `program` into the backend's command stream. Output tensors get
 * their GPU buffers here; inputs are uploaded if needed. Every bound tensor is marked as used
 * by the pending commands, so disposing it right after this call is safe.
 */
export function runProgram(backend: WebGPUBackend, program: NormProgram): void {
  const internals = internalsOf(backend);
  const device = internals.device;
  const {pipeline, layout} = pipelineOf(device, program);
  const bound = [...program.outputs, ...program.inputs];
  const buffers = bound.map((b) => bufferOf(backend, b.tensor, program.name, b.name));
  if (tf.env().getBool('WEBGPU_ENGINE_COMPILE_ONLY')) {
    return;
  }

  const uniforms = internals.makeUniforms(
    uniformFields(program).map((u) => ({
      type: u.type === 'f32' ? 'float32' : 'uint32',
      data: [u.value],
    })),
  );
  const bindGroup = device.createBindGroup({
    label: program.name,
    layout,
    entries: [
      ...buffers.map((buffer, binding) => ({binding, resource: {buffer}})),
      {binding: buffers.length, resource: uniforms},
    ],
  });
  bound.forEach((b) => internals.commandQueueOwnedIds.add(b.tensor.dataId));

  const timed = internals.activeTimers != null;
  internals.ensureCommandEncoderReady();
  const encoder = internals.commandEncoder as GPUCommandEncoder;
  if (timed && internals.supportTimestampQuery) {
    internals.endComputePassEncoder();
    if (internals.querySet == null) {
      internals.querySet = device.createQuerySet({
        type: 'timestamp',
        count: internals.querySetCount,
      });
    }
    internals.computePassEncoder = encoder.beginComputePass({
      timestampWrites: {
        querySet: internals.querySet,
        beginningOfPassWriteIndex: 0,
        endOfPassWriteIndex: 1,
      },
    });
  } else if (internals.computePassEncoder == null) {
    internals.computePassEncoder = encoder.beginComputePass({});
  }

  const pass = internals.computePassEncoder as GPUComputePassEncoder;
  const [x, y] = dispatchGrid(device, program.workgroupCount);
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, y, 1);
  internals.dispatchCountInPass++;

  const batch = tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
  if (timed || internals.dispatchCountInPass >= batch) {
    internals.endComputePassEncoder();
    if (timed) {
      internals.activeTimers?.push({name: program.name, query: internals.getQueryTime()});
    } else {
      internals.submitQueue();
    }
  }
}
