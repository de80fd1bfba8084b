/**
 * The status event of an image: what subscribers (GraphQL, SSE) receive at every transition.
 * Built here only, from the row or from the transition that changes it.
 */
import type { EventBus } from '../../events/event-bus.ts';
import { progressOf, type Image, type ImageStatus } from './image.entity.ts';
import type { PipelineStep } from './steps.ts';

/** The NOTIFY channel image status events travel on between processes. */
export const IMAGE_STATUS_CHANNEL = 'optimage_image_status';

/** NOTIFY payloads are limited to 8000 bytes: errors travel shortened (the row keeps them whole). */
const EVENT_ERROR_CHARS = 500;

export interface StatusEvent {
  imageId: string;
  userId: string;
  collectionId: string;
  status: ImageStatus;
  step: PipelineStep;
  progress: number;
  error: string | null;
  at: string;
}

export type ImageEventBus = EventBus<StatusEvent>;

type EventSource = Pick<Image, 'id' | 'userId' | 'collectionId' | 'status' | 'step' | 'progress' | 'error'> & { updatedAt?: Date };

/** The event describing `image` as it is (or as a transition has just made it). */
export function statusEvent(image: EventSource, at: Date = image.updatedAt ?? new Date()): StatusEvent {
  return {
    imageId: image.id,
    userId: image.userId,
    collectionId: image.collectionId,
    status: image.status,
    step: image.step,
    progress: progressOf(image),
    error: image.error && image.error.slice(0, EVENT_ERROR_CHARS),
    at: at.toISOString(),
  };
}

/** What clients see: `deleted` (gone while processing) is reported as failed, with its error. */
export function publicStatus(status: ImageStatus): Exclude<ImageStatus, 'deleted'> {
  return status === 'deleted' ? 'failed' : status;
}
