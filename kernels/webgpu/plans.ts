/**
 * How one kernel call is split into dispatches, workgroups and chunks (the walks are in
 * walk.ts). Statistics groups small enough for one workgroup take one dispatch; larger ones
 * are cut into chunks (partial results, then a combining dispatch).
 */
import * as tf from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {LANE_STYLE_FLAG} from '../../src/flags.js';
import {NormView, paramStrides} from '../../src/core/view.js';
import type {ParamStatsAccess} from './backward_wgsl.js';
import {ParamAccess, SCALAR_ELEMENTS, Vectorization} from './vector_wgsl.js';
import {
  elementsPerLane,
  LaneStyle,
  lanesPerSegment,
  parameterWalk,
  planWalk,
  segmentSize,
  statisticsWalk,
  WalkPlan,
  WalkShape,
  walkWorkgroups,
  withChunks,
} from './walk.js';

/** Invocations per workgroup of every program. */
export const WORKGROUP_SIZE = 64;

/** Cooperative: elements per lane up to which one workgroup reduces whole segments. */
export const LOCAL_LANE_LIMIT = 64;

/** Cooperative: elements per lane and chunk aimed at when segments are chunked. */
export const CHUNK_LANE_TARGET = 64;

/** Solo: workgroups wanted in a dispatch (chunking adds them when segments are few). */
export const SOLO_MIN_WORKGROUPS = 8;

/** Solo: fewest elements of a segment per chunk. */
export const SOLO_MIN_CHUNK = 1024;

/** Most chunks per segment: bounds the partial results a combining lane reads. */
export const MAX_CHUNKS = 128;

/** Longest register cache of one lane (WGSL array length), a power of two. */
export const MAX_CACHE = 32;

/**
 * The lane style for `backend`: the {@link LANE_STYLE_FLAG} when set; else `solo` on software
 * adapters (SwiftShader runs invocations as coroutines on CPU threads: a workgroup that
 * reaches a barrier costs tens of microseconds), `cooperative` on GPUs.
 */
export function laneStyleOf(backend: WebGPUBackend): LaneStyle {
  const forced = tf.env().get(LANE_STYLE_FLAG);
  if (forced === 'solo' || forced === 'cooperative') {
    return forced;
  }
  if (forced !== '') {
    throw new Error(`${LANE_STYLE_FLAG} must be '', 'solo' or 'cooperative', got '${forced}'`);
  }
  const info = (backend as unknown as {adapterInfo?: {architecture?: string}}).adapterInfo;
  return info?.architecture === 'swiftshader' ? 'solo' : 'cooperative';
}

/** Chunks per segment for `plan`; 1 means every workgroup holds whole segments. */
function chunksOf(plan: WalkPlan, style: LaneStyle): number {
  if (style === 'solo') {
    const forParallelism = Math.ceil(SOLO_MIN_WORKGROUPS / walkWorkgroups(plan));
    const bySize = Math.max(1, Math.floor(segmentSize(plan) / SOLO_MIN_CHUNK));
    return Math.min(MAX_CHUNKS, forParallelism, bySize);
  }
  const perLane = elementsPerLane(plan);
  return perLane <= LOCAL_LANE_LIMIT
    ? 1
    : Math.min(MAX_CHUNKS, Math.ceil(perLane / CHUNK_LANE_TARGET));
}

/** Register cache length for a lane that visits `elements` elements (0: none). */
function cacheFor(elements: number): number {
  if (elements > 2 * MAX_CACHE) {
    return 0;
  }
  let length = 1;
  while (length < elements && length < MAX_CACHE) {
    length *= 2;
  }
  return length;
}

/** Whether lanes share segments in any of `walks` (the programs then need barriers). */
export function sharesSegments(...walks: WalkPlan[]): boolean {
  return walks.some((w) => lanesPerSegment(w) > 1);
}

/**
 * Vectorization of the statistics walk (vector_wgsl.ts): `positions` when a group's run
 * `width · inner` is a multiple of 4 and the four positions' parameters are consecutive or
 * shared; `segments` (solo only) when runs are single scalars and `groups` is a multiple of 4.
 */
function statsVectorization(view: NormView, style: LaneStyle): Vectorization {
  const run = view.width * view.inner;
  if (run % 4 === 0) {
    let params: ParamAccess | null = null;
    if (!view.paramOverWidth || view.inner % 4 === 0) {
      params = 'splat';
    } else if (view.inner === 1) {
      params = 'vector';
    }
    if (params !== null) {
      return {kind: 'positions', params};
    }
  }
  if (style === 'solo' && run === 1 && view.groups % 4 === 0) {
    return {kind: 'segments', params: paramStrides(view).groups === 0 ? 'splat' : 'vector'};
  }
  return SCALAR_ELEMENTS;
}

/** Vectorization of the parameter walk (it reads no parameter). */
function paramVectorization(walk: WalkShape, style: LaneStyle): Vectorization {
  if (walk.segmentLength % 4 === 0) {
    return {kind: 'positions', params: 'scalar'};
  }
  if (style === 'solo' && walk.segmentLength === 1 && walk.segments % 4 === 0) {
    return {kind: 'segments', params: 'scalar'};
  }
  return SCALAR_ELEMENTS;
}

/** `shape` counted in elements of vectorization `v`. */
function inElements(shape: WalkShape, v: Vectorization): WalkShape {
  if (v.kind === 'none') {
    return shape;
  }
  return {
    ...shape,
    segments: v.kind === 'segments' ? shape.segments / 4 : shape.segments,
    segmentLength: v.kind === 'positions' ? shape.segmentLength / 4 : shape.segmentLength,
    rowStride: shape.rowStride / 4,
    outerStride: shape.outerStride / 4,
  };
}

/**
 * Where the forward program takes each group's statistics from:
 * - `local`: it computes them itself; each workgroup holds whole groups (one dispatch);
 * - `partials`: it merges the chunk partials of the statistics program (second dispatch);
 * - `given`: from the given `mean` / `variance` inputs (`statsGiven`).
 */
export type StatsSource = 'local' | 'partials' | 'given';

/**
 * Whether an element's parameters are the same for all elements of a lane of `walk` (the
 * statistics walk, in elements): they vary neither along `span` nor along the positions.
 */
function paramsPerLane(view: NormView, walk: WalkShape): boolean {
  const strides = paramStrides(view);
  return strides.span === 0 && (strides.width === 0 || walk.segmentLength === 1);
}

/** How one forward call runs. */
export interface ForwardPlan {
  source: StatsSource;
  walk: WalkPlan;
  vector: Vectorization;
  /** The parameters are loaded once per lane. */
  perLane: boolean;
  /** Register cache length of the `local` source (0: none). */
  cache: number;
}

/** One dispatch for given statistics or unchunked groups, else two. */
export function planForward(attrs: NormAttrs, style: LaneStyle): ForwardPlan {
  const vector = statsVectorization(attrs, style);
  const shape = inElements(statisticsWalk(attrs), vector);
  const whole = planWalk(shape, WORKGROUP_SIZE, style);
  const chunks = chunksOf(whole, style);
  const common = {vector, perLane: paramsPerLane(attrs, shape)};
  if (attrs.statsGiven) {
    return {source: 'given', walk: withChunks(whole, chunks), ...common, cache: 0};
  }
  if (chunks === 1) {
    return {source: 'local', walk: whole, ...common, cache: cacheFor(elementsPerLane(whole))};
  }
  return {source: 'partials', walk: withChunks(whole, chunks), ...common, cache: 0};
}

/** How the parameter walk of `view`, vectorized as `param`, reads statistics. */
function paramStatsAccess(view: NormView, param: Vectorization): ParamStatsAccess {
  const run = view.width * view.inner;
  let scalars: ParamStatsAccess['scalars'] = 'gather';
  if (param.kind === 'none' || run % 4 === 0) {
    scalars = 'uniform';
  } else if (param.kind === 'segments' && run === 1) {
    scalars = 'consecutive';
  }
  const column = view.paramOverWidth || view.paramOverGroups ? 'lane' : 'element';
  return {column, scalars};
}

/** How one backward call runs. */
export interface BackwardPlan {
  /** `local`: the first dispatch writes `dx`; `partials`: chunk sums, `dx` in the second. */
  role: 'local' | 'partials';
  statsWalk: WalkPlan;
  paramWalk: WalkPlan;
  /** Vectorizations of the two walks: both vectorized, or neither (one element type). */
  stats: Vectorization;
  param: Vectorization;
  /** How the parameter walk reads the statistics of its elements. */
  paramStats: ParamStatsAccess;
  /** The parameters are loaded once per lane of the statistics walk. */
  perLane: boolean;
  cache: number;
}

/** Always two dispatches: sums (and `dx` when unchunked), then `dx` and the parameters. */
export function planBackward(attrs: NormAttrs, style: LaneStyle): BackwardPlan {
  let stats = statsVectorization(attrs, style);
  let param = paramVectorization(parameterWalk(attrs), style);
  if (stats.kind === 'none' || param.kind === 'none') {
    stats = SCALAR_ELEMENTS;
    param = SCALAR_ELEMENTS;
  }
  const shape = inElements(statisticsWalk(attrs), stats);
  const vectors = {
    stats,
    param,
    paramStats: paramStatsAccess(attrs, param),
    perLane: paramsPerLane(attrs, shape),
  };

  const whole = planWalk(shape, WORKGROUP_SIZE, style);
  const params = planWalk(inElements(parameterWalk(attrs), param), WORKGROUP_SIZE, style);
  const paramWalk = withChunks(params, chunksOf(params, style));
  const chunks = chunksOf(whole, style);
  if (chunks === 1) {
    const cache = cacheFor(elementsPerLane(whole));
    return {role: 'local', statsWalk: whole, paramWalk, ...vectors, cache};
  }
  return {role: 'partials', statsWalk: withChunks(whole, chunks), paramWalk, ...vectors, cache: 0};
}
