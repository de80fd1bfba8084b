/** tus-js-client in Node, as its README uses it: an Upload started and awaited as a promise. */
import * as tus from 'tus-js-client';

export interface TusRun {
  upload: tus.Upload;
  /** Upload-Offset of every PATCH this client sent, in order. */
  patchOffsets: number[];
  /** Settles when the upload succeeds (with the last response) or fails. */
  done: Promise<tus.HttpResponse>;
}

export function startTus(file: Buffer, options: tus.UploadOptions): TusRun {
  const patchOffsets: number[] = [];
  let upload!: tus.Upload;
  const done = new Promise<tus.HttpResponse>((resolve, reject) => {
    upload = new tus.Upload(file, {
      chunkSize: 1_000_000,
      retryDelays: null,
      ...options,
      onBeforeRequest: async (req) => {
        if (req.getMethod() === 'PATCH') patchOffsets.push(Number(req.getHeader('Upload-Offset')));
        await options.onBeforeRequest?.(req);
      },
      onSuccess: ({ lastResponse }) => resolve(lastResponse),
      onError: reject,
    });
  });
  upload.start();
  return { upload, patchOffsets, done };
}

/** The status and JSON body of the response a tus-js-client error carries. */
export function errorResponse(err: unknown): { status: number; body: { message: string; code: string } } {
  const res = (err as tus.DetailedError).originalResponse;
  if (!res) throw err;
  return { status: res.getStatus(), body: JSON.parse(res.getBody()) as { message: string; code: string } };
}
