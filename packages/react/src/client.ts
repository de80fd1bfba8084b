'use client';
/** `useUpload()`: upload() with its progress, result and error as React state. */
import { upload as send, type UploadedImage, type UploadOptions } from '@optimage/client';
import { useCallback, useRef, useState } from 'react';

export interface UploadState {
  status: 'idle' | 'uploading' | 'done' | 'error';
  /** 0–1 */
  progress: number;
  image: UploadedImage | null;
  error: Error | null;
}

const IDLE: UploadState = { status: 'idle', progress: 0, image: null, error: null };

export function useUpload(defaults: Partial<UploadOptions> = {}) {
  const [state, setState] = useState<UploadState>(IDLE);
  const abort = useRef<AbortController | null>(null);
  const defaultsRef = useRef(defaults);
  defaultsRef.current = defaults;
  const upload = useCallback(async (file: File, options: Partial<UploadOptions> = {}) => {
    abort.current?.abort();
    const controller = (abort.current = new AbortController());
    setState({ ...IDLE, status: 'uploading' });
    const merged = { baseUrl: '', collection: '', ...defaultsRef.current, ...options } as UploadOptions;
    try {
      const image = await send(file, { ...merged, signal: controller.signal, onProgress: (sent, total) => {
        merged.onProgress?.(sent, total);
        setState((s) => ({ ...s, progress: total ? sent / total : 0 }));
      } });
      setState({ status: 'done', progress: 1, image, error: null });
      return image;
    } catch (err) {
      setState({ status: 'error', progress: 0, image: null, error: err as Error });
      throw err;
    }
  }, []);
  const cancel = useCallback(() => abort.current?.abort(), []);
  const reset = useCallback(() => setState(IDLE), []);
  return { ...state, upload, cancel, reset };
}
