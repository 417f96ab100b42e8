import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {paramStrides, reducedSize} from '../../src/core/view.js';
import type {UniformField} from './launch.js';

/**
 * The view and the normalization's scalars as uniforms, with the glossary's names
 * (src/core/view.ts): `outer, span, groups, width, inner`, the parameter strides, `reducedSize`,
 * `epsilon`, and the switches `centered` and `statsGiven` (0 or 1).
 */
export function viewUniforms(attrs: NormAttrs): UniformField[] {
  const strides = paramStrides(attrs);
  return [
    {name: 'outer', type: 'u32', value: attrs.outer},
    {name: 'span', type: 'u32', value: attrs.span},
    {name: 'groups', type: 'u32', value: attrs.groups},
    {name: 'width', type: 'u32', value: attrs.width},
    {name: 'inner', type: 'u32', value: attrs.inner},
    {name: 'spanParamStride', type: 'u32', value: strides.span},
    {name: 'groupsParamStride', type: 'u32', value: strides.groups},
    {name: 'widthParamStride', type: 'u32', value: strides.width},
    {name: 'reducedSize', type: 'u32', value: reducedSize(attrs)},
    {name: 'epsilon', type: 'f32', value: attrs.epsilon},
    {name: 'centered', type: 'u32', value: attrs.centered ? 1 : 0},
    {name: 'statsGiven', type: 'u32', value: attrs.statsGiven ? 1 : 0},
  ];
}

/**
 * Index math of the view, on the uniforms of {@link viewUniforms} (in scalars; needs the
 * walk and vector preludes).
 */
export const VIEW_WGSL = `
// Parameter of the scalar at (row, position) of statistics segment \`group\` (in scalars):
// row is the span index, position runs over width * inner.
fn paramIndex(row : u32, group : u32, position : u32) -> u32 {
  var column = position;
  if (uniforms.inner != 1u) {
    column = position / uniforms.inner;
  }
  return row * uniforms.spanParamStride + group * uniforms.groupsParamStride +
      column * uniforms.widthParamStride;
}

// Parameter of the first scalar of the element under a cursor of the statistics walk.
fn elementParam(lane : Lane, c : Cursor) -> u32 {
  let segment = lane.segment * SEGMENTS_PER_ELEMENT;
  return paramIndex(c.row, segment, c.position * POSITIONS_PER_ELEMENT);
}

// Statistics group of the scalar at a flat index.
fn statIndexOf(flat : u32) -> u32 {
  let run = uniforms.width * uniforms.inner;
  let outerIndex = flat / (uniforms.span * uniforms.groups * run);
  return outerIndex * uniforms.groups + (flat / run) % uniforms.groups;
}
`;
