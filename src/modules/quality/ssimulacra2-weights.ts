/**
 * The published constants of SSIMULACRA 2.1 and how the reference reads them (ssimulacra2.ts computes
 * the maps): the 108 weights of the norms, walked in order over the scales an image has; which groups
 * of them are too small to be worth their maps; and the transfer from the weighted sum to a score.
 * Pure.
 */

/** At most this many scales (1:1 to 1:32). */
export const SCALES = 6;

/**
 * Index c·36 + scale·6 + norm·3 + map, map 0 = SSIM, 1 = ringing (artifacts), 2 = blur (detail lost),
 * norm 0 = mean, 1 = 4-norm: the weights of SSIMULACRA 2.1 as published.
 */
const WEIGHTS = [
  0.0, 0.0007376606707406586, 0.0, 0.0, 0.0007793481682867309, 0.0, 0.0, 0.0004371155730107379, 0.0, 1.1041726426657346, 0.00066284834129271,
  0.00015231632783718752, 0.0, 0.0016406437456599754, 0.0, 1.8422455520539298, 11.441172603757666, 0.0, 0.0007989109436015163, 0.000176816438078653,
  0.0, 1.8787594979546387, 10.94906990605142, 0.0, 0.0007289346991508072, 0.9677937080626833, 0.0, 0.00014003424285435884, 0.9981766977854967,
  0.00031949755934435053, 0.0004550992113792063, 0.0, 0.0, 0.0013648766163243398, 0.0, 0.0, 0.0, 0.0, 0.0, 7.466890328078848, 0.0, 17.445833984131262,
  0.0006235601634041466, 0.0, 0.0, 6.683678146179332, 0.00037724407979611296, 1.027889937768264, 225.20515300849274, 0.0, 0.0, 19.213238186143016,
  0.0011401524586618361, 0.001237755635509985, 176.39317598450694, 0.0, 0.0, 24.43300999870476, 0.28520802612117757, 0.0004485436923833408, 0.0, 0.0,
  0.0, 34.77906344483772, 44.835625328877896, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0008680556573291698, 0.0, 0.0, 0.0, 0.0, 0.0,
  0.0005313191874358747, 0.0, 0.00016533814161379112, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0004179171803251336, 0.0017290828234722833, 0.0,
  0.0020827005846636437, 0.0, 0.0, 8.826982764996862, 23.19243343998926, 0.0, 95.1080498811086, 0.9863978034400682, 0.9834382792465353,
  0.0012286405048278493, 171.2667255897307, 0.9807858872435379, 0.0, 0.0, 0.0, 0.0005130064588990679, 0.0, 0.00010854057858411537,
];

/**
 * Which maps are worth computing. The published weights of some groups (a component at a scale: its
 * six norms) are all below 0.003, 0.0077 in all of 888, so their maps could move a score by a few
 * thousandths at most (0.0004 on the 48 reference pairs); they are not computed, which halves the
 * metric's time: for a 6-scale image, X and B at 1:1 (the scale holding three quarters of the
 * pixels), B at 1:2 and 1:4, and everything at 1:32. The reference walks its weights over the scales
 * it computed, so an image with fewer scales reads other groups: `levels` is how many it has.
 */
const NEGLIGIBLE = 0.01;
const GROUP_WEIGHT = Array.from({ length: 3 * SCALES }, (_, g) => WEIGHTS.slice(6 * g, 6 * g + 6).reduce((a, b) => a + b, 0));
export const counted = (component: number, scale: number, levels: number) => GROUP_WEIGHT[component * levels + scale]! >= NEGLIGIBLE;
export const ZERO_NORMS = [0, 0, 0, 0, 0, 0];

/**
 * How many scales the metric computes for an image, as its loops do: a scale is computed when the
 * size it is halved from is at least 8×8, so the last one may be smaller (320×213 has 6, down to 10×7).
 */
export function scaleCount(width: number, height: number): number {
  let scales = 0;
  for (let w = width, h = height; scales < SCALES && w >= 8 && h >= 8; scales++) {
    if (scales > 0) [w, h] = [Math.ceil(w / 2), Math.ceil(h / 2)];
  }
  return scales;
}

/** The score from the norms: norms[component][scale] = [SSIM mean, SSIM 4-norm, ringing mean, ringing 4-norm, blur mean, blur 4-norm]. */
export function scoreOf(norms: number[][][]): number {
  return transfer(weighted(norms));
}

/** The reference walks its weights in this order over the scales it computed. */
function weighted(norms: number[][][]): number {
  let sum = 0;
  let i = 0;
  for (let c = 0; c < 3; c++) {
    for (const n of norms[c]!) {
      for (let norm = 0; norm < 2; norm++) {
        sum += WEIGHTS[i++]! * Math.abs(n[norm]!);
        sum += WEIGHTS[i++]! * Math.abs(n[2 + norm]!);
        sum += WEIGHTS[i++]! * Math.abs(n[4 + norm]!);
      }
    }
  }
  return sum;
}

function transfer(weighted: number): number {
  const s = weighted * 0.9562382616834844;
  const t = 2.326765642916932 * s - 0.020884521182843837 * s * s + 6.248496625763138e-5 * s * s * s;
  return t > 0 ? 100 - 10 * t ** 0.6276336467831387 : 100;
}
