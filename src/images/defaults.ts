/**
 * The defaults of the `ImagesBatch` actions' own options (BatchFlow's, camelCased): given to the
 * decorators (so the action reference lists them) and used by the per-item functions.
 * @module
 */
export const imageDefaults = {
  flip: { mode: 'lr' },
  crop: { cropBoundaries: false },
  pad: { border: 0, fill: 0 },
  shift: { mode: 'const' },
  invert: { channels: 'all' },
  posterize: { bits: 4 },
  clip: { low: 0, high: 255 },
  add: { term: 1, clip: false, preserveType: false },
  multiply: { multiplier: 1, clip: false, preserveType: false },
  putOnBackground: { mask: null },
  splitToPatches: { stride: 1, dropLast: false },
  salt: { pNoise: 0.015, color: 255, size: 1 },
  noise: { clip: false, preserveType: false },
  enhance: { layout: 'hcbs', factor: [1, 1, 1, 1] },
  scale: { preserveShape: false, origin: 'center', resample: 'nearest' },
  resize: { resample: 'bicubic' },
  rotate: { resample: 'nearest', expand: false, preserveShape: true, fill: 0 },
  elasticTransform: {},
} as const;
