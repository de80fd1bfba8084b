/**
 * Prometheus metrics (prom-client), one registry per process. Plumbing: the domain reports through
 * the small callbacks it is given (upload results, step durations); queue and pool figures are read
 * when Prometheus scrapes, so an idle process does no work for them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsSources {
  /** Jobs per queue and state, and the age of the oldest job waiting to run, per queue. */
  jobs?: () => Promise<{ counts: { queue: string; state: string; jobs: number }[]; oldestWaiting: { queue: string; seconds: number }[] }>;
  /** Share of the worker pool's capacity in use since start (0–1); absent where nothing processes. */
  poolUtilization?: () => number;
  /** Reconnects of the event bus's listening connection since start. */
  eventBusReconnects?: () => number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly uploads = new Counter({ name: 'optimage_uploads_total', help: 'Uploads by result: accepted, or the error code of the rejection.', labelNames: ['result'], registers: [this.registry] });
  readonly steps = new Histogram({
    name: 'optimage_processing_step_seconds',
    help: 'Time spent in each pipeline step of an image.',
    labelNames: ['step'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly doctorFindings = new Counter({ name: 'optimage_doctor_findings_total', help: 'Findings of the periodic doctor sweep, by kind (orphan-object, missing-variant, stuck-image, stale-temp-file).', labelNames: ['kind'], registers: [this.registry] });
  readonly graphqlOperations = new Counter({
    name: 'optimage_graphql_operations_total',
    help: 'GraphQL operations started (HTTP, SSE, WebSocket), by type and the executor that ran them: jit (compiled queries) or graphql-js.',
    labelNames: ['type', 'engine'],
    registers: [this.registry],
  });
  readonly http = new Histogram({
    name: 'optimage_http_request_duration_seconds',
    help: 'HTTP requests by method, route (the pattern, not the path) and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor(sources: MetricsSources = {}) {
    collectDefaultMetrics({ register: this.registry, prefix: 'optimage_' });
    const { jobs, poolUtilization, eventBusReconnects } = sources;
    if (jobs) {
      // one query per scrape feeds both gauges
      let snapshot: ReturnType<NonNullable<MetricsSources['jobs']>> | null = null;
      const read = () => (snapshot ??= jobs().finally(() => setTimeout(() => (snapshot = null), 100)));
      new Gauge({
        name: 'optimage_jobs',
        help: 'Jobs by queue and state (created and retry are the queue depth).',
        labelNames: ['queue', 'state'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const c of (await read()).counts) this.set({ queue: c.queue, state: c.state }, c.jobs);
        },
      });
      new Gauge({
        name: 'optimage_jobs_oldest_waiting_seconds',
        help: 'Age of the oldest job that could run but has not started, per queue (0 when none waits).',
        labelNames: ['queue'],
        registers: [this.registry],
        async collect() {
          this.reset();
          for (const o of (await read()).oldestWaiting) this.set({ queue: o.queue }, o.seconds);
        },
      });
    }
    if (poolUtilization) {
      new Gauge({ name: 'optimage_pool_utilization', help: 'Share of the worker-thread pool in use (0–1).', registers: [this.registry], collect() { this.set(poolUtilization()); } });
    }
    if (eventBusReconnects) {
      new Gauge({ name: 'optimage_event_bus_reconnects', help: 'Reconnects of the event bus listener since start.', registers: [this.registry], collect() { this.set(eventBusReconnects()); } });
    }
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
