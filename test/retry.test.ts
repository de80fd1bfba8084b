/** Retrying failed images (contract §7 "retry"): only when the failure was not the input's fault. */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { appTest, cameraPhoto } from './support/fixtures.ts';
import { invalidFiles } from './support/images.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const test = appTest();

describe('retry', () => {
  test('an image that failed on a storage error goes back to processing with a new job and becomes ready', async ({ app, alice, collection }) => {
    // A file where the staging directory should be: every staged write fails (ENOTDIR), on every
    // attempt, as a full or broken disk would; the original is stored fine.
    const staging = join(app.dataDir, 'storage', '_staging');
    await writeFile(staging, 'not a directory');
    const up = await restUpload(alice, await cameraPhoto({ width: 800, height: 600, seed: 41 }), { collection });
    const failed = await waitForImage(alice, up.body.id, 55_000);
    expect(failed).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Processing failed: /) });
    expect((await app.dataSource.query('SELECT failure_kind FROM images WHERE id = $1', [up.body.id]))[0]).toEqual({ failure_kind: 'storage' });

    await rm(staging);
    const retried = await alice.json('POST', `/api/v1/images/${up.body.id}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { id: up.body.id, status: 'processing', error: null } });
    expect(await waitForImage(alice, up.body.id)).toMatchObject({ status: 'ready', variants: expect.any(Array) });
    expect((await fetch(`${app.url}/cdn/${collection}/320/${up.body.slug}.webp`)).status).toBe(200);
    const jobs = await app.dataSource.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'imageId' = $1`, [up.body.id]);
    expect(jobs[0].n).toBe(2);
    // and a ready image cannot be retried
    expect(await alice.json('POST', `/api/v1/images/${up.body.id}/retry`)).toMatchObject({ status: 409, body: { code: 'NOT_RETRYABLE' } });
  });

  test("a file that cannot be decoded is the input's fault: 409, over REST and GraphQL; others' images are 404", async ({ alice, bob, collection }) => {
    const up = await restUpload(alice, await invalidFiles.truncatedJpeg(), { collection });
    expect(await waitForImage(alice, up.body.id)).toMatchObject({ status: 'failed' });
    expect(await alice.json('POST', `/api/v1/images/${up.body.id}/retry`)).toMatchObject({ status: 409, body: { code: 'NOT_RETRYABLE', message: expect.stringMatching(/file/) } });
    const gql = await alice.json<{ data: { retryImage: { __typename: string; code: string } } }>('POST', '/graphql', {
      query: 'mutation($id: ID!) { retryImage(id: $id) { __typename ... on Error { code } } }',
      variables: { id: up.body.id },
    });
    expect(gql.body.data.retryImage).toEqual({ __typename: 'ConflictError', code: 'NOT_RETRYABLE' });
    expect((await bob.json('POST', `/api/v1/images/${up.body.id}/retry`)).status).toBe(404);
  });
});
