/**
 * SSIMULACRA 2's per-pixel loops in WebAssembly SIMD (AssemblyScript; `npm run build:wasm` compiles this
 * file into src/modules/quality/ssimulacra2.wasm, which src/modules/quality/ssimulacra2-kernels.ts loads).
 * The TypeScript side lays out the planes in this module's memory and walks the scales and components;
 * these functions take byte offsets of single-precision planes.
 *
 * They compute what the TypeScript implementation they replaced computed (commit 4a166e3), rounding to
 * single precision at the same steps: where it computed in double and rounded once (a product added to
 * a sum, as the reference's fused multiply-adds do), these do too, in f64x2 lanes, and where it rounded
 * every operation they use f32x4. The blur's recurrence is numerically sensitive (a rounding more or
 * less moved scores by up to 1.0 near 90), so this is what keeps the scores within 1e-9 of before
 * (test/quality-metric.test.ts).
 *
 * Memory below 2048 (the build's --memoryBase) is this module's: the blur's unrolled weights at COEF,
 * a cube-root scratch at CB.
 */

/** The row pass's unrolled weights, per section 12 (inputs 0–3, previous output 4–7, the one before 8–11), written by the host. */
const COEF: usize = 1024;
/** Single-precision cube roots of four positive floats: a guess from the exponent bits, then two Halley steps. */
// @ts-ignore: decorator
@inline function cbrt4(x: v128): v128 {
  const bits = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.mul(f32x4.convert_i32x4_s(x), f32x4.splat(<f32>(1.0 / 3.0)))), i32x4.splat(709921077));
  let y = bits;
  // two steps (one leaves scores 3.5e-6 from the TypeScript implementation's: too far from its cube root)
  for (let k = 0; k < 2; k++) {
    const y3 = f32x4.mul(f32x4.mul(y, y), y);
    y = f32x4.mul(y, f32x4.div(f32x4.add(y3, f32x4.add(x, x)), f32x4.add(f32x4.add(y3, y3), x)));
  }
  return y;
}

/** Rounds both doubles to single precision (and back). */
// @ts-ignore: decorator
@inline function r32(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}
// @ts-ignore: decorator
@inline function sp(v: f64): v128 { return f64x2.splat(v); }
/** Weight i of the unrolled row recurrence, in both lanes. */
// @ts-ignore: decorator
@inline function c(i: i32): v128 { return v128.load64_splat(COEF + (<usize>i << 3)); }

// the opsin absorbance matrix (rows: L, M, S from linear R, G, B) and its bias, from libjxl's opsin_params.h
const M00: f64 = 0.3, M02: f64 = 0.078, M01: f64 = 1 - M02 - M00;
const M10: f64 = 0.23, M12: f64 = 0.078, M11: f64 = 1 - M12 - M10;
const M20: f64 = 0.24342268924547819, M21: f64 = 0.20476744424496821, M22: f64 = 1 - M20 - M21;
const BIAS: f64 = 0.0037930732552754493;

/** Lanes 0–1 and 2–3 of an f32x4 as f64x2; two f64x2 packed into an f32x4. */
// @ts-ignore: decorator
@inline function lo(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
// @ts-ignore: decorator
@inline function hi(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)); }
// @ts-ignore: decorator
@inline function pack(a: v128, b: v128): v128 { return v128.shuffle<f32>(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5); }

/** Cube roots of four non-negative doubles held as two f64x2: a single-precision start, one Halley step in double. */
// @ts-ignore: decorator
@inline function cbrtPair(x0: v128, x1: v128, out: usize): void {
  const g = cbrt4(pack(x0, x1));
  const y0 = lo(g), y1 = hi(g);
  const a0 = f64x2.mul(f64x2.mul(y0, y0), y0), a1 = f64x2.mul(f64x2.mul(y1, y1), y1);
  v128.store(out, f64x2.mul(y0, f64x2.div(f64x2.add(a0, f64x2.add(x0, x0)), f64x2.add(f64x2.add(a0, a0), x0))));
  v128.store(out, f64x2.mul(y1, f64x2.div(f64x2.add(a1, f64x2.add(x1, x1)), f64x2.add(f64x2.add(a1, a1), x1))), 16);
}

/** Scratch for cbrtPair's results (4 v128). */
const CB: usize = 1536;

/** Halves a plane in place: each output the mean of a 2×2 block (in double, rounded once), the last row or column repeated when odd. */
export function downsample(plane: usize, width: i32, height: i32): void {
  const ow = (width + 1) >> 1;
  const oh = (height + 1) >> 1;
  for (let oy = 0; oy < oh; oy++) {
    const y0 = plane + (<usize>(2 * oy * width) << 2);
    const y1 = plane + (<usize>(min(2 * oy + 1, height - 1) * width) << 2);
    const outRow = plane + (<usize>(oy * ow) << 2);
    for (let ox = 0; ox < ow; ox++) {
      const x0 = <usize>(2 * ox) << 2;
      const x1 = <usize>min(2 * ox + 1, width - 1) << 2;
      store<f32>(outRow + (<usize>ox << 2), <f32>(0.25 * (<f64>load<f32>(y0 + x0) + <f64>load<f32>(y0 + x1) + <f64>load<f32>(y1 + x0) + <f64>load<f32>(y1 + x1))));
    }
  }
}

/**
 * Linear RGB planes → the positive XYB planes (X·14 + 0.42, Y + 0.01, B − Y + 0.55), `count` pixels,
 * computed in double and rounded once. Without `withB` the B plane is left as it was (a third of the
 * cube roots saved where B is not counted). The mixes are never below the bias, so no cube root of 0.
 */
export function xyb(r: usize, g: usize, b: usize, ox: usize, oy: usize, ob: usize, count: i32, withB: i32, biasCbrt: f64): void {
  const bias = sp(BIAS), zero = sp(0), bc = sp(biasCbrt), half = sp(0.5);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    const rv = v128.load(r + o), gv = v128.load(g + o), bv = v128.load(b + o);
    for (let part = 0; part < 2; part++) {
      const ri = part ? hi(rv) : lo(rv), gi = part ? hi(gv) : lo(gv), bi = part ? hi(bv) : lo(bv);
      const lm = f64x2.max(zero, f64x2.add(f64x2.add(f64x2.add(f64x2.mul(sp(M00), ri), f64x2.mul(sp(M01), gi)), f64x2.mul(sp(M02), bi)), bias));
      const mm = f64x2.max(zero, f64x2.add(f64x2.add(f64x2.add(f64x2.mul(sp(M10), ri), f64x2.mul(sp(M11), gi)), f64x2.mul(sp(M12), bi)), bias));
      cbrtPair(lm, mm, CB + (<usize>part << 5));
    }
    const l0 = f64x2.sub(v128.load(CB), bc), m0 = f64x2.sub(v128.load(CB, 16), bc);
    const l1 = f64x2.sub(v128.load(CB, 32), bc), m1 = f64x2.sub(v128.load(CB, 48), bc);
    const y0 = f64x2.mul(half, f64x2.add(l0, m0)), y1 = f64x2.mul(half, f64x2.add(l1, m1));
    const fourteen = sp(14), xo = sp(0.42), yo = sp(0.01);
    v128.store(ox + o, pack(f64x2.add(f64x2.mul(f64x2.mul(half, f64x2.sub(l0, m0)), fourteen), xo), f64x2.add(f64x2.mul(f64x2.mul(half, f64x2.sub(l1, m1)), fourteen), xo)));
    v128.store(oy + o, pack(f64x2.add(y0, yo), f64x2.add(y1, yo)));
    if (withB) {
      const s0 = f64x2.max(zero, f64x2.add(f64x2.add(f64x2.add(f64x2.mul(sp(M20), lo(rv)), f64x2.mul(sp(M21), lo(gv))), f64x2.mul(sp(M22), lo(bv))), bias));
      const s1 = f64x2.max(zero, f64x2.add(f64x2.add(f64x2.add(f64x2.mul(sp(M20), hi(rv)), f64x2.mul(sp(M21), hi(gv))), f64x2.mul(sp(M22), hi(bv))), bias));
      cbrtPair(s0, s1, CB);
      const bo = sp(0.55);
      v128.store(ob + o, pack(f64x2.add(f64x2.sub(f64x2.sub(v128.load(CB), bc), y0), bo), f64x2.add(f64x2.sub(f64x2.sub(v128.load(CB, 16), bc), y1), bo)));
    }
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const ri = <f64>load<f32>(r + o), gi = <f64>load<f32>(g + o), bi = <f64>load<f32>(b + o);
    const l = Math.cbrt(max<f64>(0, M00 * ri + M01 * gi + M02 * bi + BIAS)) - biasCbrt;
    const m = Math.cbrt(max<f64>(0, M10 * ri + M11 * gi + M12 * bi + BIAS)) - biasCbrt;
    const y = 0.5 * (l + m);
    store<f32>(ox + o, <f32>(0.5 * (l - m) * 14 + 0.42));
    store<f32>(oy + o, <f32>(y + 0.01));
    if (withB) {
      const s = Math.cbrt(max<f64>(0, M20 * ri + M21 * gi + M22 * bi + BIAS)) - biasCbrt;
      store<f32>(ob + o, <f32>(s - y + 0.55));
    }
  }
}

// the blur: its radius N and, per section, the input gain (A) and feedback (B) of the column recurrence, single-precision values
let N: i32 = 0;
let A1: f64 = 0, A3: f64 = 0, A5: f64 = 0, B1: f64 = 0, B3: f64 = 0, B5: f64 = 0;
export function setBlur(n: i32, a1: f64, a3: f64, a5: f64, b1: f64, b3: f64, b5: f64): void {
  N = n; A1 = a1; A3 = a3; A5 = a5; B1 = b1; B3 = b3; B5 = b5;
}
/** Where the host writes the 36 unrolled weights (recursive-gaussian.ts `unrolled`). */
export function coefficients(): usize { return COEF; }

/** One output of the three sections by the plain recurrence (the rows' ends); state at s: per section the previous output and the one before (f64x2). */
// @ts-ignore: decorator
@inline function single(sum: v128, s: usize): v128 {
  let total = f64x2.splat(0);
  let o1 = f64x2.splat(0), o3 = f64x2.splat(0);
  for (let k = 0; k < 3; k++) {
    const so = s + (<usize>k << 5);
    const prev = v128.load(so), prev2 = v128.load(so, 16);
    let o = r32(f64x2.mul(sum, c(12 * k)));
    o = r32(f64x2.sub(o, prev2));
    o = r32(f64x2.add(f64x2.mul(c(12 * k + 4), prev), o));
    v128.store(so, prev, 16);
    v128.store(so, o);
    if (k == 0) o1 = o; else if (k == 1) o3 = o; else total = r32(f64x2.add(o1, r32(f64x2.add(o3, o))));
  }
  return total;
}

/**
 * out = blur(a) (product 0) or blur(a·b) (product 1, the product rounded to single precision), rounded
 * as the TypeScript implementation did. temp: w·h floats; scratch: 8·(w + 2·(2N + 1) + 4) + 96 + 8·w
 * bytes; columnState: 96 bytes per pair of columns.
 */
export function blur(a: usize, b: usize, product: i32, out: usize, w: i32, h: i32, temp: usize, scratch: usize, columnState: usize): void {
  blurRows(a, b, product, temp, w, h, scratch);
  blurColumns(temp, out, w, h, columnState);
}

/**
 * Along the rows, two rows at a time (one per f64 lane). The two rows are interleaved as single-
 * precision pairs with `pad` zeros each side (the taps outside the row read zero), the recurrence runs
 * on the sums of the taps, and its outputs are de-interleaved into `out`. One output at a time near
 * the ends, four at a time in between with the unrolled weights, as the reference's vector code.
 */
function blurRows(a: usize, b: usize, product: i32, out: usize, w: i32, h: i32, scratch: usize): void {
  const n = N;
  const pad = 2 * n + 1;
  const il = scratch; // (w + 2·pad + 4) pairs of f32
  const ilBytes = <usize>(w + 2 * pad + 4) << 3;
  const st = il + ilBytes; // per section: the previous output and the one before (f64x2)
  const ilOut = st + 96; // w pairs of f32
  memory.fill(il, 0, ilBytes); // the pads stay zero: only the middle is written below
  const firstAligned = ((n + 1 + 3) >> 2) << 2;
  const rowBytes = <usize>w << 2;
  for (let y0 = 0; y0 < h; y0 += 2) {
    memory.fill(st, 0, 96);
    const two = h - y0 >= 2;
    const p0 = a + (<usize>y0 * rowBytes);
    const p1 = two ? p0 + rowBytes : p0;
    const q0 = b + (<usize>y0 * rowBytes);
    const q1 = two ? q0 + rowBytes : q0;
    const row = il + (<usize>pad << 3);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const o = <usize>x << 2;
      let r0 = v128.load(p0 + o), r1 = v128.load(p1 + o);
      if (product) {
        r0 = f32x4.mul(r0, v128.load(q0 + o));
        r1 = f32x4.mul(r1, v128.load(q1 + o));
      }
      const d = row + (<usize>x << 3);
      v128.store(d, v128.shuffle<f32>(r0, r1, 0, 4, 1, 5));
      v128.store(d, v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), 16);
    }
    for (; x < w; x++) {
      const o = <usize>x << 2;
      let v0 = load<f32>(p0 + o), v1 = load<f32>(p1 + o);
      if (product) {
        v0 *= load<f32>(q0 + o);
        v1 *= load<f32>(q1 + o);
      }
      store<f32>(row + (<usize>x << 3), v0);
      store<f32>(row + (<usize>x << 3), v1, 4);
    }
    x = -n + 1;
    const lim1 = min(firstAligned, w);
    for (; x < lim1; x++) {
      const v = single(tapSum(il + (<usize>(x - n - 1 + pad) << 3), il + (<usize>(x + n - 1 + pad) << 3)), st);
      if (x >= 0) v128.store64_lane(ilOut + (<usize>x << 3), f32x4.demote_f64x2_zero(v), 0);
    }
    for (; x < w - n + 1 - 3; x += 4) {
      const lo = il + (<usize>(x - n - 1 + pad) << 3);
      const hi = il + (<usize>(x + n - 1 + pad) << 3);
      // the sums of the taps of four outputs, two rows each: single precision, like the reference
      const s01 = f32x4.add(v128.load(lo), v128.load(hi));
      const s23 = f32x4.add(v128.load(lo, 16), v128.load(hi, 16));
      const s0 = f64x2.promote_low_f32x4(s01), s1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(s01, s01, 2, 3, 2, 3));
      const s2 = f64x2.promote_low_f32x4(s23), s3 = f64x2.promote_low_f32x4(v128.shuffle<f32>(s23, s23, 2, 3, 2, 3));
      let t0 = sp(0), t1 = sp(0), t2 = sp(0), t3 = sp(0);
      let u0 = sp(0), u1 = sp(0), u2 = sp(0), u3 = sp(0);
      for (let k = 0; k < 3; k++) {
        const so = st + (<usize>k << 5);
        const prev = v128.load(so), prev2 = v128.load(so, 16);
        const o = 12 * k;
        const i0 = c(o), i1 = c(o + 1), i2 = c(o + 2), i3 = c(o + 3);
        // o_j = weights of the inputs, then of the output before (prev2), then of the previous (prev), each step rounded
        const o0 = r32(f64x2.add(f64x2.mul(c(o + 4), prev), r32(f64x2.add(f64x2.mul(c(o + 8), prev2), r32(f64x2.mul(i0, s0))))));
        const o1 = r32(f64x2.add(f64x2.mul(c(o + 5), prev), r32(f64x2.add(f64x2.mul(c(o + 9), prev2), r32(f64x2.add(f64x2.mul(i0, s1), r32(f64x2.mul(i1, s0))))))));
        const o2 = r32(f64x2.add(f64x2.mul(c(o + 6), prev), r32(f64x2.add(f64x2.mul(c(o + 10), prev2), r32(f64x2.add(f64x2.mul(i0, s2), r32(f64x2.add(f64x2.mul(i1, s1), r32(f64x2.mul(i2, s0))))))))));
        const o3 = r32(f64x2.add(f64x2.mul(c(o + 7), prev), r32(f64x2.add(f64x2.mul(c(o + 11), prev2), r32(f64x2.add(f64x2.mul(i0, s3), r32(f64x2.add(f64x2.mul(i1, s2), r32(f64x2.add(f64x2.mul(i2, s1), r32(f64x2.mul(i3, s0))))))))))));
        v128.store(so, o3);
        v128.store(so, o2, 16);
        if (k == 0) { t0 = o0; t1 = o1; t2 = o2; t3 = o3; }
        else if (k == 1) { u0 = o0; u1 = o1; u2 = o2; u3 = o3; }
        else {
          // the sections' outputs sum as out1 + (out3 + out5)
          const d = ilOut + (<usize>x << 3);
          v128.store(d, pack(r32(f64x2.add(t0, r32(f64x2.add(u0, o0)))), r32(f64x2.add(t1, r32(f64x2.add(u1, o1))))));
          v128.store(d, pack(r32(f64x2.add(t2, r32(f64x2.add(u2, o2)))), r32(f64x2.add(t3, r32(f64x2.add(u3, o3))))), 16);
        }
      }
    }
    for (; x < w; x++) {
      const v = single(tapSum(il + (<usize>(x - n - 1 + pad) << 3), il + (<usize>(x + n - 1 + pad) << 3)), st);
      v128.store64_lane(ilOut + (<usize>x << 3), f32x4.demote_f64x2_zero(v), 0);
    }
    const d0 = out + (<usize>y0 * rowBytes);
    const d1 = d0 + rowBytes;
    x = 0;
    if (two) {
      for (; x + 4 <= w; x += 4) {
        const s = ilOut + (<usize>x << 3);
        const v01 = v128.load(s), v23 = v128.load(s, 16);
        v128.store(d0 + (<usize>x << 2), v128.shuffle<f32>(v01, v23, 0, 2, 4, 6));
        v128.store(d1 + (<usize>x << 2), v128.shuffle<f32>(v01, v23, 1, 3, 5, 7));
      }
    }
    for (; x < w; x++) {
      const s = ilOut + (<usize>x << 3);
      store<f32>(d0 + (<usize>x << 2), load<f32>(s));
      if (two) store<f32>(d1 + (<usize>x << 2), load<f32>(s, 4));
    }
  }
}

/** The sum of two taps (f32 pairs at lo and hi), in single precision, as f64x2. */
// @ts-ignore: decorator
@inline function tapSum(lo: usize, hi: usize): v128 {
  return f64x2.promote_low_f32x4(f32x4.add(v128.load64_zero(lo), v128.load64_zero(hi)));
}

/** Down the columns, two at a time (one per f64 lane), a row at a time (each row is read once, in order). */
function blurColumns(temp: usize, out: usize, w: i32, h: i32, colState: usize): void {
  const n = N;
  const pairs = (w + 1) >> 1;
  memory.fill(colState, 0, <usize>pairs * 96);
  const zero = f64x2.splat(0);
  const a1 = sp(A1), a3 = sp(A3), a5 = sp(A5), nb1 = sp(-B1), nb3 = sp(-B3), nb5 = sp(-B5);
  const full = w >> 1;
  for (let y = -n + 1; y < h; y++) {
    const top = y - n - 1;
    const bottom = y + n - 1;
    const topRow = temp + (<usize>(top * w) << 2);
    const bottomRow = temp + (<usize>(bottom * w) << 2);
    const outRow = out + (<usize>(y * w) << 2);
    for (let g = 0; g < pairs; g++) {
      const o = <usize>g << 3;
      let t = zero, bt = zero;
      if (g < full) {
        if (top >= 0) t = f64x2.promote_low_f32x4(v128.load64_zero(topRow + o));
        if (bottom < h) bt = f64x2.promote_low_f32x4(v128.load64_zero(bottomRow + o));
      } else {
        if (top >= 0) t = f64x2.promote_low_f32x4(v128.load32_zero(topRow + o));
        if (bottom < h) bt = f64x2.promote_low_f32x4(v128.load32_zero(bottomRow + o));
      }
      const sum = r32(f64x2.add(t, bt));
      const s = colState + <usize>g * 96;
      const p1 = v128.load(s), r1 = v128.load(s, 16), p3 = v128.load(s, 32), r3 = v128.load(s, 48), p5 = v128.load(s, 64), r5 = v128.load(s, 80);
      const y1 = r32(f64x2.add(f64x2.mul(a1, sum), r32(f64x2.sub(f64x2.mul(nb1, p1), r1))));
      const y3 = r32(f64x2.add(f64x2.mul(a3, sum), r32(f64x2.sub(f64x2.mul(nb3, p3), r3))));
      const y5 = r32(f64x2.add(f64x2.mul(a5, sum), r32(f64x2.sub(f64x2.mul(nb5, p5), r5))));
      v128.store(s, y1); v128.store(s, p1, 16);
      v128.store(s, y3, 32); v128.store(s, p3, 48);
      v128.store(s, y5, 64); v128.store(s, p5, 80);
      if (y >= 0) {
        const v = f32x4.demote_f64x2_zero(f64x2.add(y1, r32(f64x2.add(y3, y5))));
        if (g < full) v128.store64_lane(outRow + o, v, 0);
        else v128.store32_lane(outRow + o, v, 0);
      }
    }
  }
}

/**
 * The sums over one component's maps, six f64 at `result`: the SSIM map's (without the luminance
 * denominator) and its 4th powers, then the edge map's where the distorted image has more edge (ringing)
 * and less (blur), and their 4th powers. Each pixel in single precision where the TypeScript
 * implementation rounded, the sums in double.
 */
export function maps(a: usize, b: usize, mu1: usize, mu2: usize, s11: usize, s22: usize, s12: usize, count: i32, result: usize): void {
  const c2 = f32x4.splat(<f32>0.0009), two = f32x4.splat(2);
  const one = sp(1), zero = sp(0);
  let ssim = sp(0), ssim4 = sp(0), ring = sp(0), ring4 = sp(0), lost = sp(0), lost4 = sp(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    const m1 = v128.load(mu1 + o), m2 = v128.load(mu2 + o);
    const m11 = f32x4.mul(m1, m1), m22 = f32x4.mul(m2, m2), m12 = f32x4.mul(m1, m2);
    const diff = f32x4.sub(m1, m2);
    const dl = lo(diff), dh = hi(diff);
    const numM = pack(f64x2.sub(one, f64x2.mul(dl, dl)), f64x2.sub(one, f64x2.mul(dh, dh)));
    const numS = f32x4.add(f32x4.mul(two, f32x4.sub(v128.load(s12 + o), m12)), c2);
    const denS = f32x4.add(f32x4.add(f32x4.sub(v128.load(s11 + o), m11), f32x4.sub(v128.load(s22 + o), m22)), c2);
    const q = f32x4.div(f32x4.mul(numM, numS), denS);
    const eb = f32x4.abs(f32x4.sub(v128.load(b + o), m2)), ea = f32x4.abs(f32x4.sub(v128.load(a + o), m1));
    for (let part = 0; part < 2; part++) {
      const d = f64x2.max(zero, f64x2.sub(one, part ? hi(q) : lo(q)));
      ssim = f64x2.add(ssim, d);
      ssim4 = f64x2.add(ssim4, f64x2.mul(f64x2.mul(f64x2.mul(d, d), d), d));
      const edge = f64x2.sub(f64x2.div(f64x2.add(one, part ? hi(eb) : lo(eb)), f64x2.add(one, part ? hi(ea) : lo(ea))), one);
      const e4 = f64x2.mul(f64x2.mul(f64x2.mul(edge, edge), edge), edge);
      const up = f64x2.gt(edge, zero);
      ring = f64x2.add(ring, v128.and(edge, up));
      ring4 = f64x2.add(ring4, v128.and(e4, up));
      lost = f64x2.sub(lost, v128.andnot(edge, up));
      lost4 = f64x2.add(lost4, v128.andnot(e4, up));
    }
  }
  let s0 = f64x2.extract_lane(ssim, 0) + f64x2.extract_lane(ssim, 1);
  let s1 = f64x2.extract_lane(ssim4, 0) + f64x2.extract_lane(ssim4, 1);
  let s2 = f64x2.extract_lane(ring, 0) + f64x2.extract_lane(ring, 1);
  let s3 = f64x2.extract_lane(ring4, 0) + f64x2.extract_lane(ring4, 1);
  let s4 = f64x2.extract_lane(lost, 0) + f64x2.extract_lane(lost, 1);
  let s5 = f64x2.extract_lane(lost4, 0) + f64x2.extract_lane(lost4, 1);
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const m1 = load<f32>(mu1 + o), m2 = load<f32>(mu2 + o);
    const diff = m1 - m2;
    const numM = <f32>(1 - <f64>diff * <f64>diff);
    const numS: f32 = <f32>2 * (load<f32>(s12 + o) - m1 * m2) + <f32>0.0009;
    const denS: f32 = (load<f32>(s11 + o) - m1 * m1) + (load<f32>(s22 + o) - m2 * m2) + <f32>0.0009;
    const d = max<f64>(0, 1 - <f64>((numM * numS) / denS));
    s0 += d; s1 += d * d * d * d;
    const edge = (1 + <f64>Mathf.abs(load<f32>(b + o) - m2)) / (1 + <f64>Mathf.abs(load<f32>(a + o) - m1)) - 1;
    if (edge > 0) { s2 += edge; s3 += edge * edge * edge * edge; }
    else { s4 -= edge; s5 += edge * edge * edge * edge; }
  }
  store<f64>(result, s0); store<f64>(result, s1, 8); store<f64>(result, s2, 16);
  store<f64>(result, s3, 24); store<f64>(result, s4, 32); store<f64>(result, s5, 40);
}
