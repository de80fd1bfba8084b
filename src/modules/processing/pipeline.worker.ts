/**
 * Worker-thread entry (piscina): one image per call. Progress and the encoded files go back over the
 * MessagePort that comes with the task, the files transferred rather than copied. Loaded by Node's
 * type stripping under vitest, so erasable TS only, importing only node builtins, sharp and siblings.
 */
import type { MessagePort } from 'node:worker_threads';
import sharp from 'sharp';
import type { Placeholder } from '../images/placeholder.ts';
import { LaneCount, LANES, runPipeline, type NamedOutput, type PipelineResult, type PipelineTask, type ProcessingStep, type VariantOutput } from './pipeline.ts';

// libvips settings are process-wide. One libvips thread per sharp call: the pool runs one image per
// core and an image keeps a second call in flight only while a core of the process's share is idle
// (pipeline.ts LANES, lanesFor), which already fills its cores; more threads per call only
// oversubscribe them (measured on 2 cores: no faster for one image, none faster for four at once).
// Set explicitly: sharp's default is per-platform (1 on glibc, cores elsewhere).
sharp.concurrency(1);
// Every source is a new file: the operation cache would only hold on to memory.
sharp.cache(false);

export interface WorkerTask extends PipelineTask {
  port: MessagePort;
}

export type WorkerMessage =
  | { type: 'step'; step: ProcessingStep; progress: number }
  | { type: 'result'; outputs: VariantOutput[]; placeholder: Placeholder | null; quality: number; named: NamedOutput[]; focal: PipelineResult['focal']; wide: boolean; encodesAtOnce: number }
  | { type: 'error'; message: string; code: string | undefined };

/** From the pool while the image runs: its lane count now (lanesFor over the images in the threads). */
export interface LanesMessage {
  type: 'lanes';
  lanes: number;
}

export default async function processImage({ port, ...task }: WorkerTask): Promise<void> {
  const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const lanes = new LaneCount(task.lanes ?? LANES);
  port.on('message', (message: LanesMessage) => {
    if (message.type === 'lanes') lanes.set(message.lanes);
  });
  try {
    const { outputs, placeholder, quality, named, focal, wide, encodesAtOnce } = await runPipeline(task, (step, progress) => send({ type: 'step', step, progress }), lanes);
    send({ type: 'result', outputs, placeholder, quality, named, focal, wide, encodesAtOnce }, [...outputs, ...named].map((o) => o.bytes.buffer as ArrayBuffer));
  } catch (err) {
    // Errors cross threads without their own properties; the code decides whether a job is retried.
    const code = (err as { code?: unknown }).code;
    send({ type: 'error', message: err instanceof Error ? err.message : String(err), code: typeof code === 'string' ? code : undefined });
  } finally {
    port.close();
  }
}
