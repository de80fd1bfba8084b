/** The counting of a reprocess run, inside the transaction that settles one of its images. */
import type { EntityManager } from 'typeorm';

export class ReprocessRuns {
  /** Counts one image off; the run finishes with its last one. */
  async settle(tx: EntityManager, runId: string, outcome: 'done' | 'failed'): Promise<void> {
    const column = outcome === 'done' ? 'done' : 'failed';
    await tx.query(
      `UPDATE reprocess_runs SET ${column} = ${column} + 1,
         finished_at = CASE WHEN done + failed + 1 >= total THEN now() ELSE finished_at END
       WHERE id = $1 AND finished_at IS NULL`,
      [runId],
    );
  }
}
