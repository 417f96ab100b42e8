/**
 * WGSL of the forward programs, on the binding `x` (elements `V`, vector_wgsl.ts): the
 * shifted Welford statistics of a lane, and the normalization of an element.
 */

/** Shifted Welford statistics of a lane's elements. */
export const LANE_STATISTICS_WGSL = `
// The statistics are taken of x - shift, with the segment's first element as the shift, so a
// large mean costs no precision (0 for RMS, which needs the raw mean square).
fn groupShift(lane : Lane) -> T {
  if (uniforms.centered == 0u || !lane.live) {
    return T(0.0);
  }
  return shiftOf(x[lane.origin]);
}

// Welford statistics of the lane's elements of its chunk from cursor c on, shifted by shift
// (componentwise; one reciprocal per element, shared by its four scalars).
fn laneWelford(walk : Walk, lane : Lane, shift : T, start : Cursor) -> LaneWelford {
  var count = 0.0;
  var mean = V(0.0);
  var m2 = V(0.0);
  var c = start;
  while (inChunk(lane, c)) {
    let value = x[flatIndex(walk, lane, c)] - splat(shift);
    count += 1.0;
    let delta = value - mean;
    mean += delta * (1.0 / count);
    m2 += delta * (value - mean);
    c = nextElement(walk, lane, c);
  }
  return LaneWelford(count, mean, m2);
}
`;

/** Statistics to normalizer (needs the view uniforms and the vector prelude). */
export const NORMALIZER_WGSL = `
// How one group's elements are normalized: y = ((x - shift) - center) * invStd * gamma + beta.
struct Normalizer {
  shift : T,
  center : T,
  invStd : T,
  mean : T,
};

fn normalizerOf(total : Welford, shift : T) -> Normalizer {
  let n = f32(uniforms.reducedSize);
  if (uniforms.centered != 0u) {
    let variance = total.m2 / n;
    return Normalizer(shift, total.mean, 1.0 / sqrt(variance + uniforms.epsilon),
        shift + total.mean);
  }
  let meanSquare = total.m2 / n + total.mean * total.mean;
  return Normalizer(T(0.0), T(0.0), 1.0 / sqrt(meanSquare + uniforms.epsilon), T(0.0));
}
`;

/** The normalization of an element under a walk cursor (needs `gammaOf`/`betaOf`). */
export const NORMALIZE_WGSL = `${NORMALIZER_WGSL}
fn affine(shifted : V, nz : Normalizer, lane : Lane, c : Cursor) -> V {
  return (shifted - splat(nz.center)) * splat(nz.invStd) * gammaOf(lane, c) + betaOf(lane, c);
}
`;
