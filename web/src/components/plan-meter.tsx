/** The plan and this month's uploads against its quota, from `config`. */
import { useQuery } from '@urql/preact';
import { formatDate } from '../format.ts';
import { PlanDocument } from '../generated/graphql.ts';
import { useInvalidation } from '../refresh.ts';

export function PlanMeter() {
  const [{ data, error }, refetch] = useQuery({ query: PlanDocument });
  useInvalidation('plan', () => refetch({ requestPolicy: 'network-only' }));
  const config = data?.config;
  if (!config) {
    return <section class="plan card" aria-busy={!error} aria-label="Plan">{error && <p class="muted">Plan unavailable.</p>}</section>;
  }
  const { quota } = config;
  const share = quota.limit ? quota.used / quota.limit : 1;
  return (
    <section class="plan card" aria-labelledby="plan-title">
      <div class="plan-head">
        <h2 id="plan-title" class="plan-name">
          {config.plan[0]!.toUpperCase() + config.plan.slice(1)} plan
        </h2>
        <span class={share >= 1 ? 'badge badge-failed' : share >= 0.8 ? 'badge badge-processing' : 'badge'}>{quota.remaining} left</span>
      </div>
      <label for="quota-meter" class="plan-label">
        Uploads this month
      </label>
      <meter id="quota-meter" min={0} max={quota.limit} low={quota.limit * 0.8} high={quota.limit * 0.95} optimum={0} value={quota.used}>
        {quota.used} of {quota.limit}
      </meter>
      <p class="plan-figures">
        <strong>{quota.used.toLocaleString()}</strong> of {quota.limit.toLocaleString()} used
        <span class="muted"> · resets {formatDate(quota.resetsAt)}</span>
      </p>
    </section>
  );
}
