/** The pipeline steps, in order, with the progress reached when each completes. Defined once. */
export const PIPELINE_STEPS = ['VALIDATE', 'CONVERT', 'RESIZE', 'OPTIMIZE', 'UPLOAD', 'ACTIVATE'] as const;
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

export const STEP_PROGRESS: Record<PipelineStep, number> = {
  VALIDATE: 5,
  CONVERT: 25,
  RESIZE: 45,
  OPTIMIZE: 75,
  UPLOAD: 95,
  ACTIVATE: 100,
};
