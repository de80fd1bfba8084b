/**
 * Child process for `npm run bench:events`: a processing-side event bus in another process that
 * publishes N events and reports each one's send time to the parent over IPC.
 * argv: databaseUrl userId collectionId count
 */
import pg from 'pg';
import { createLogger } from '../src/logger.ts';
import { EventBus } from '../src/events/event-bus.ts';
import { IMAGE_STATUS_CHANNEL, type StatusEvent } from '../src/modules/images/image-events.ts';

const [databaseUrl, userId, collectionId, countText] = process.argv.slice(2) as [string, string, string, string];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const bus = new EventBus<StatusEvent>(IMAGE_STATUS_CHANNEL, databaseUrl, pool, createLogger('warn'));
await bus.start();
const now = () => performance.timeOrigin + performance.now();
for (let n = 0; n < Number(countText); n++) {
  const sent = now();
  await bus.publish({ imageId: `img_bench_${n}`, userId, collectionId, status: 'processing', step: 'RESIZE', progress: 50, error: null, at: new Date().toISOString() });
  process.send!({ n, sent });
  await new Promise((r) => setTimeout(r, 5));
}
await bus.close();
await pool.end();
process.disconnect();
