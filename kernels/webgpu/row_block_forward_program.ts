import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {affineInputs, ApplyTensors} from './apply_program.js';
import {NORMALIZER_WGSL} from './forward_wgsl.js';
import type {NormProgram} from './launch.js';
import {perRow, RowBlockPlan, rowBlockProgram} from './row_blocks.js';
import {dataType, paramReaders, vectorKey, vectorPrelude} from './vector_wgsl.js';

/**
 * The forward program of row blocks (row_blocks.ts), one dispatch writing `y`, `mean` and
 * `invStd`.
 *
 * Algorithm, per block of `R` rows: one pass over the block's columns accumulates each row's
 * Welford statistics of `x − x₀` (`x₀` the row's first scalar, so a large mean costs no
 * precision; none for RMS), one reciprocal per column shared by the `R` rows and the four
 * components; the components are merged (Chan), then a second pass writes
 * `y = ((x − x₀) − mean) · invStd · gamma + beta`, loading `gamma` and `beta` once per column.
 *
 * Shader key: `tfnNormRowBlockForward_wg<workgroup size>_k<rows per lane>_g<0|1>_b<0|1>
 * _<vectorization>`.
 */
export function rowBlockForwardProgram(
  attrs: NormAttrs,
  plan: RowBlockPlan,
  t: ApplyTensors,
): NormProgram {
  const {vector} = plan;
  const data = dataType(vector);
  const flags = [`g${t.gamma !== null ? 1 : 0}`, `b${t.beta !== null ? 1 : 0}`, vectorKey(vector)];

  const rowSetup = perRow(
    plan,
    (j) => `
    let at${j} = (row0 + ${j}u) * n;
    let shift${j} = select(T(0.0), shiftOf(x[at${j}]), uniforms.centered != 0u);
    var mean${j} = V(0.0);
    var m2${j} = V(0.0);`,
  );
  const rowWelford = perRow(
    plan,
    (j) => `
      let v${j} = x[at${j} + e] - splat(shift${j});
      let d${j} = v${j} - mean${j};
      mean${j} += d${j} * share;
      m2${j} += d${j} * (v${j} - mean${j});`,
  );
  const rowStatistics = perRow(
    plan,
    (j) => `
    let nz${j} = normalizerOf(foldWelford(LaneWelford(count, mean${j}, m2${j})), shift${j});
    mean[row0 + ${j}u] = nz${j}.mean;
    invStd[row0 + ${j}u] = nz${j}.invStd;`,
  );
  const rowOutputs = perRow(
    plan,
    (j) => `
      y[at${j} + e] = (x[at${j} + e] - splat(nz${j}.shift) - splat(nz${j}.center)) *
          splat(nz${j}.invStd) * g + b;`,
  );
  const body = `${rowSetup}
    var count = 0.0;
    for (var e = 0u; e < n; e++) {
      count += 1.0;
      let share = 1.0 / count;${rowWelford}
    }
${rowStatistics}

    for (var e = 0u; e < n; e++) {
      let g = gammaAt(e * SCALARS_PER_ELEMENT);
      let b = betaAt(e * SCALARS_PER_ELEMENT);${rowOutputs}
    }`;

  return rowBlockProgram(attrs, plan, {
    name: 'TfnNormRowBlockForwardProgram',
    keyPrefix: 'tfnNormRowBlockForward',
    flags,
    outputs: [
      {name: 'y', tensor: t.y, type: data},
      {name: 'mean', tensor: t.mean},
      {name: 'invStd', tensor: t.invStd},
    ],
    inputs: affineInputs(t, vector),
    prelude: `
${vectorPrelude(vector)}
${paramReaders(vector, t.gamma !== null, t.beta !== null)}
${NORMALIZER_WGSL}`,
    body,
  });
}
