import type {NormAttrs} from '../../src/core/kernel_contract.js';
import type {BackwardTensors} from './backward_sums_program.js';
import {GRADIENT_TERMS_WGSL} from './backward_wgsl.js';
import type {NormProgram, ProgramBuffer} from './launch.js';
import type {ParamPartials} from './param_combine_program.js';
import {perRow, RowBlockPlan, rowBlockProgram} from './row_blocks.js';
import {dataType, paramReaders, paramType, vectorKey, vectorPrelude} from './vector_wgsl.js';

/**
 * The row-block parameter partials: lane `k`'s dgamma part of parameter `p` at
 * `k · rowLength + p`, its dbeta part `lanes · rowLength` further (scalars).
 */
export function rowBlockPartials(attrs: NormAttrs, plan: RowBlockPlan): ParamPartials {
  return {
    paramSize: attrs.width,
    segments: attrs.width,
    chunks: plan.lanes,
    segmentsPerParam: 1,
    segmentStride: attrs.width,
  };
}

/**
 * The first backward dispatch of row blocks (row_blocks.ts): writes `dx` and each lane's
 * partial sums of `dgamma` and `dbeta` over its rows, with `x̂ = (x − mean) · invStd` and
 * `g = dy · gamma`.
 *
 * Algorithm, per block of `R` rows: a pass over the columns sums each row's `g` and
 * `g · (x − mean)`; a second pass writes `dx = invStd · (g − mean(g) − x̂ · mean(g·x̂))` and
 * adds the block's column sums of `dy · x̂` and `dy` to the lane's partials (its first block
 * stores them): `partials[lane · n + e]` for `dgamma`, plus `lanes · n` for `dbeta`, in
 * elements of `n` per row. `gamma` is loaded once per column for the `R` rows.
 *
 * Shader key: `tfnNormRowBlockBackward_wg<workgroup size>_k<rows per lane>_g<0|1>
 * _<vectorization>`.
 */
export function rowBlockBackwardProgram(
  attrs: NormAttrs,
  plan: RowBlockPlan,
  t: BackwardTensors,
): NormProgram {
  const {vector} = plan;
  const data = dataType(vector);
  const inputs: ProgramBuffer[] = [
    {name: 'dy', tensor: t.dy, type: data},
    {name: 'x', tensor: t.x, type: data},
    {name: 'mean', tensor: t.mean},
    {name: 'invStd', tensor: t.invStd},
  ];
  if (t.gamma !== null) {
    inputs.push({name: 'gamma', tensor: t.gamma, type: paramType(vector)});
  }
  const flags = [`g${t.gamma !== null ? 1 : 0}`, vectorKey(vector)];

  const rowSetup = perRow(
    plan,
    (j) => `
    let at${j} = (row0 + ${j}u) * n;
    let mean${j} = mean[row0 + ${j}u];
    let invStd${j} = invStd[row0 + ${j}u];
    var sums${j} = LanePairSum(V(0.0), V(0.0));`,
  );
  const rowSums = perRow(
    plan,
    (j) => `
      let g${j} = dy[at${j} + e] * gamma;
      sums${j} = LanePairSum(sums${j}.first + g${j},
          sums${j}.second + g${j} * (x[at${j} + e] - splat(mean${j})));`,
  );
  const rowTerms = perRow(
    plan,
    (j) => `
    let folded${j} = foldPairSum(sums${j});
    let terms${j} = gradientTerms(PairSum(folded${j}.first, folded${j}.second * invStd${j}));`,
  );
  const rowGradients = perRow(
    plan,
    (j) => `
      let dy${j} = dy[at${j} + e];
      let xhat${j} = (x[at${j} + e] - splat(mean${j})) * splat(invStd${j});
      dx[at${j} + e] = splat(invStd${j}) * (dy${j} * gamma - splat(terms${j}.first) -
          xhat${j} * splat(terms${j}.second));
      dgammaPart += dy${j} * xhat${j};
      dbetaPart += dy${j};`,
  );
  const body = `${rowSetup}
    for (var e = 0u; e < n; e++) {
      let gamma = gammaAt(e * SCALARS_PER_ELEMENT);${rowSums}
    }
${rowTerms}

    for (var e = 0u; e < n; e++) {
      let gamma = gammaAt(e * SCALARS_PER_ELEMENT);
      var dgammaPart = V(0.0);
      var dbetaPart = V(0.0);${rowGradients}
      let p = lane * n + e;
      if (block != lane) {
        dgammaPart += partials[p];
        dbetaPart += partials[uniforms.lanes * n + p];
      }
      partials[p] = dgammaPart;
      partials[uniforms.lanes * n + p] = dbetaPart;
    }`;

  return rowBlockProgram(attrs, plan, {
    name: 'TfnNormRowBlockBackwardProgram',
    keyPrefix: 'tfnNormRowBlockBackward',
    flags,
    outputs: [
      {name: 'dx', tensor: t.dx, type: data},
      {name: 'partials', tensor: t.partials, type: data},
    ],
    inputs,
    prelude: `
${vectorPrelude(vector)}
${paramReaders(vector, t.gamma !== null, false)}
${GRADIENT_TERMS_WGSL}`,
    body,
  });
}
