import { STATUS_LABEL, statusOf } from '../image-status.ts';

export function StatusBadge({ status }: { status: string }) {
  const s = statusOf(status);
  return <span class={`badge badge-${s}`}>{STATUS_LABEL[s]}</span>;
}
