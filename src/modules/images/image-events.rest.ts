/** REST peer of the imageStatus subscription: GET /api/v1/images/:id/events as Server-Sent Events. */
import type { Route } from '../../adapter/rest-route.ts';
import { publicStatus, type StatusEvent } from './image-events.ts';
import type { ImageWatch } from './image-watch.ts';

export const statusEventJson = (e: StatusEvent) => ({
  id: e.imageId,
  collectionId: e.collectionId,
  status: publicStatus(e.status),
  step: e.step,
  progress: e.progress,
  error: e.error,
  at: e.at,
});

export function imageEventRoutes(watch: ImageWatch): Route[] {
  return [
    {
      method: 'GET',
      path: '/api/v1/images/:id/events',
      handler: async (req) => {
        // the watch checks ownership before answering, so an unknown image is a plain JSON 404
        const events = await watch.watchImage(req.actor!, req.params.id!);
        return {
          status: 200,
          stream: (res) => {
            res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
            const send = (e: StatusEvent) => res.write(`event: status\ndata: ${JSON.stringify(statusEventJson(e))}\n\n`);
            const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
            res.on('close', () => {
              clearInterval(ping);
              void events.return?.();
            });
            void (async () => {
              for await (const e of events) send(e);
              clearInterval(ping);
              res.end();
            })().catch(() => res.destroy());
          },
        };
      },
    },
  ];
}
