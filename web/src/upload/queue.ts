/**
 * The upload queue: every dropped file gets an item that goes queued → hashing → uploading (bytes
 * sent) → processing (pipeline steps from the `imageStatus` subscription) → ready (with the image
 * for its thumbnail) or failed (the server's message). A rejected file never stops the others.
 * A few files upload at once, and a few more may be processing, so a drop of hundreds of photos
 * neither floods the server nor opens a subscription per file.
 */
import type { Client } from '@urql/core';
import { ImageDetailDocument, UploadProgressDocument, type ImageCardFragment } from '../generated/graphql.ts';
import { isFinal, isReady, stepLabel } from '../image-status.ts';
import { formatBytes, localizeTimestamps } from '../format.ts';
import { invalidate } from '../refresh.ts';
import { sha256 } from './checksum.ts';
import { uploadTransport } from './choose-transport.ts';
import type { UploadTransport } from './transport.ts';

export type Phase = 'queued' | 'hashing' | 'uploading' | 'processing' | 'ready' | 'failed';

export interface UploadItem {
  key: number;
  name: string;
  size: number;
  collectionId: string;
  phase: Phase;
  sent: number;
  step: string | null;
  /** 0–100 of the pipeline, from the server. */
  processing: number;
  error: string | null;
  imageId: string | null;
  image: ImageCardFragment | null;
}

/** One bar per file: the bytes sent fill the first half, the pipeline's own progress the second. */
export function percentOf(item: UploadItem): number {
  if (item.phase === 'ready') return 100;
  const sent = item.size ? Math.min(1, item.sent / item.size) : item.phase === 'queued' || item.phase === 'hashing' ? 0 : 1;
  return Math.round(sent * 50 + (item.processing / 100) * 50);
}

/** What the bar means right now, for its text and for screen readers (aria-valuetext). */
export function describe(item: UploadItem): string {
  switch (item.phase) {
    case 'queued':
      return 'Waiting';
    case 'hashing':
      return 'Computing checksum';
    case 'uploading':
      return `Uploading ${formatBytes(item.sent)} of ${formatBytes(item.size)}`;
    case 'processing':
      return item.step ? `${stepLabel(item.step)}…` : 'Processing…';
    case 'ready':
      return 'Ready';
    case 'failed':
      return item.error ?? 'Failed';
  }
}

interface Limits {
  /** files being hashed or sent at once */
  uploading: number;
  /** files uploading or processing at once (each processing file holds one subscription) */
  active: number;
}

export class UploadQueue {
  private items: UploadItem[] = [];
  private readonly files = new Map<number, File>();
  private readonly listeners = new Set<() => void>();
  private readonly cleanups = new Map<number, () => void>();
  private readonly stop = new AbortController();
  private nextKey = 1;
  private disposed = false;

  constructor(
    private readonly client: Client,
    private readonly transport: UploadTransport = uploadTransport,
    private readonly limits: Limits = { uploading: 3, active: 6 },
  ) {}

  snapshot(): readonly UploadItem[] {
    return this.items;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  add(files: Iterable<File>, collectionId: string): void {
    for (const file of files) {
      const key = this.nextKey++;
      this.files.set(key, file);
      this.items = [...this.items, { key, name: file.name, size: file.size, collectionId, phase: 'queued', sent: 0, step: null, processing: 0, error: null, imageId: null, image: null }];
    }
    this.emit();
    this.pump();
  }

  /** Removes the finished items (ready or failed) from the list. */
  clearFinished(): void {
    this.items = this.items.filter((i) => i.phase !== 'ready' && i.phase !== 'failed');
    this.emit();
  }

  dispose(): void {
    this.disposed = true;
    this.stop.abort(); // a signed-out session sends nothing more
    for (const cleanup of this.cleanups.values()) cleanup();
    this.cleanups.clear();
    this.listeners.clear();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private update(key: number, patch: Partial<UploadItem>): void {
    this.items = this.items.map((i) => (i.key === key ? { ...i, ...patch } : i));
    this.emit();
  }

  private count(...phases: Phase[]): number {
    return this.items.filter((i) => phases.includes(i.phase)).length;
  }

  private pump(): void {
    if (this.disposed) return;
    for (const item of this.items) {
      if (item.phase !== 'queued') continue;
      if (this.count('hashing', 'uploading') >= this.limits.uploading) return;
      if (this.count('hashing', 'uploading', 'processing') >= this.limits.active) return;
      this.update(item.key, { phase: 'hashing' });
      void this.send(item.key);
    }
  }

  private async send(key: number): Promise<void> {
    const file = this.files.get(key)!;
    const item = this.items.find((i) => i.key === key)!;
    try {
      const checksum = await sha256(file);
      this.update(key, { phase: 'uploading' });
      const image = await this.transport({ file, checksum, collectionId: item.collectionId, onProgress: (sent) => this.update(key, { sent }), signal: this.stop.signal });
      this.files.delete(key);
      this.update(key, { phase: 'processing', sent: file.size, imageId: image.id });
      invalidate('images', 'plan');
      this.watch(key, image.id);
    } catch (err) {
      this.files.delete(key);
      this.update(key, { phase: 'failed', error: localizeTimestamps(err instanceof Error ? err.message : String(err)) });
      this.pump();
    }
  }

  /** Follows the pipeline until the image is ready or failed; then loads it for the thumbnail. */
  private watch(key: number, imageId: string): void {
    const subscription = this.client.subscription(UploadProgressDocument, { id: imageId }).subscribe((result) => {
      const event = result.data?.imageStatus;
      if (result.error && !event) return void this.finish(key, imageId);
      if (!event) return;
      this.update(key, { step: event.step, processing: event.progress });
      if (isFinal(event.status)) void this.finish(key, imageId);
    });
    this.cleanups.set(key, () => subscription.unsubscribe());
  }

  private async finish(key: number, imageId: string): Promise<void> {
    this.cleanups.get(key)?.();
    this.cleanups.delete(key);
    // the subscription tells the status; the query brings the variants (and the status if the socket failed)
    const result = await this.client.query(ImageDetailDocument, { id: imageId }, { requestPolicy: 'network-only' }).toPromise();
    const image = result.data?.image ?? null;
    if (this.disposed) return;
    if (image && isReady(image.status)) this.update(key, { phase: 'ready', processing: 100, image });
    else if (image && !isFinal(image.status)) return void setTimeout(() => void this.finish(key, imageId), 1000);
    else this.update(key, { phase: 'failed', error: image ? (image.error ?? 'Processing failed') : 'The image was deleted, or could not be loaded', image });
    this.pump();
  }
}
