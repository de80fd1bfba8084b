/**
 * The Frontend guide's unpic snippets (docs/frontend.md, "Astro, Vue, Svelte, Solid: through unpic"),
 * run as written: the Vue single-file component compiled with vue/compiler-sfc and rendered with
 * vue/server-renderer, the Svelte 5 component compiled with svelte/compiler (bundled with the
 * @unpic/svelte/base components it imports) and rendered with svelte/server, each given an image of
 * a running server. Every URL in the rendered srcset is an optimage size URL at the smallest size at
 * least its width (the full image past 1280), and answers 200 image/webp from the server.
 * (Astro's snippet is not run: its build needs the Astro compiler and Vite, too heavy for the suite.)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIZES, sizeFor } from '@optimage/client';
import { startTestApp, type TestApp } from './support/app.ts';
import { Client } from './support/http.ts';
import { realPhotos } from './support/real-photos.ts';
import { restUpload, waitForImage } from './support/upload.ts';

const OUT = resolve('node_modules/.cache/optimage-unpic'); // inside the repository (its packages resolve), outside lint's view
let app: TestApp;
let image: { src: string; width: number; collectionId: string; slug: string };

/** The fenced block of `lang` in the guide's unpic section, exactly as a reader copies it. */
async function snippet(lang: 'vue' | 'svelte'): Promise<string> {
  const guide = await readFile('docs/frontend.md', 'utf8');
  const section = guide.slice(guide.indexOf('## Astro, Vue, Svelte, Solid: through unpic'));
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section.slice(0, section.indexOf('\n## ', 4)));
  if (!block) throw new Error(`docs/frontend.md has no ${lang} block in its unpic section`);
  return block[1]!;
}

beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
  app = await startTestApp();
  const api = new Client(app.url);
  await api.signUp();
  const collection = (await api.json<{ id: string }>('POST', '/api/v1/collections', { name: 'unpic' })).body.id;
  const photo = realPhotos('photo').find((p) => p.name === 'Picture_0B_by_freespace.jpg')!; // 2572×1740
  const res = await restUpload(api, await readFile(photo.path), { collection, slug: 'red-bowl', filename: 'bowl.jpg' });
  expect(res.status).toBe(201);
  image = (await waitForImage(api, res.body.id)) as unknown as typeof image;
  expect(image.src).toBe(`${app.url}/cdn/${collection}/768/red-bowl.webp`);
}, 120_000);

afterAll(async () => {
  await app?.close();
});

/** The `<img>`'s srcset candidates, each checked against optimage's sizes and fetched from the server. */
async function checkSrcset(html: string): Promise<{ url: string; width: number; size: number }[]> {
  const img = /<img\b[^>]*>/.exec(html)?.[0];
  expect(img).toBeDefined();
  const srcset = /\ssrcset="([^"]+)"/.exec(img!)?.[1]?.replaceAll('&amp;', '&');
  expect(srcset).toBeDefined();
  const pattern = new RegExp(`^${app.url}/cdn/${image.collectionId}/(\\d+)/red-bowl\\.webp$`);
  const candidates = srcset!.split(',').map((c) => {
    const [url, w] = c.trim().split(/\s+/) as [string, string];
    const size = Number(pattern.exec(url)?.[1] ?? NaN);
    return { url, width: Number(w.replace(/w$/, '')), size };
  });
  expect(candidates.length).toBeGreaterThan(1);
  for (const c of candidates) {
    expect(SIZES).toContain(c.size);
    expect(c.size).toBe(sizeFor(c.width)); // the smallest optimage size ≥ the width unpic asked for
  }
  for (const url of new Set(candidates.map((c) => c.url))) {
    const res = await fetch(url);
    expect(res.status, url).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
  }
  return candidates;
}

describe('the unpic snippets of the Frontend guide, rendered on the server', () => {
  it('Vue: @unpic/vue/base with the kit\'s transform (layout fullWidth)', async () => {
    const { parse, compileScript } = await import('vue/compiler-sfc');
    const { descriptor, errors } = parse(await snippet('vue'), { filename: 'OptimageImage.vue' });
    expect(errors).toEqual([]);
    const compiled = compileScript(descriptor, { id: 'optimage-image', inlineTemplate: true, templateOptions: { ssr: true } });
    const file = join(OUT, 'optimage-image.vue.mjs');
    await writeFile(file, compiled.content);
    const Component = ((await import(pathToFileURL(file).href)) as { default: object }).default;
    const { createSSRApp } = await import('vue');
    const { renderToString } = await import('vue/server-renderer');
    const html = await renderToString(createSSRApp(Component as never, { image }));
    const candidates = await checkSrcset(html);
    // fullWidth: unpic's breakpoints from phones to 5K; the ones past 1280 get the whole image
    expect(candidates.some((c) => c.size === 0)).toBe(true);
    expect(candidates.some((c) => c.size !== 0 && c.size < 1280)).toBe(true);
    console.info(`unpic vue: ${candidates.map((c) => `${c.width}w→${c.size}`).join(', ')}`);
  });

  it('Svelte 5: @unpic/svelte/base with the kit\'s transform (layout constrained, 800 × 600)', async () => {
    const { compile } = await import('svelte/compiler');
    const { rolldown } = await import('rolldown');
    const entry = join(OUT, 'OptimageImage.svelte');
    await writeFile(entry, await snippet('svelte'));
    // the component and the .svelte files of @unpic/svelte/base it imports, compiled for the server;
    // svelte itself and @optimage/client stay external (one Svelte runtime, the kit as installed)
    const bundle = await rolldown({
      input: entry,
      external: [/^svelte($|\/)/, '@optimage/client'],
      resolve: { conditionNames: ['svelte', 'import', 'default'] },
      plugins: [
        {
          name: 'svelte-server',
          transform(code, id) {
            if (!id.endsWith('.svelte')) return null;
            return { code: compile(code, { generate: 'server', filename: id }).js.code, moduleType: 'js' };
          },
        },
      ],
      logLevel: 'silent',
    });
    const file = join(OUT, 'optimage-image.svelte.mjs');
    await bundle.write({ file, format: 'esm' });
    await bundle.close();
    const { render } = await import('svelte/server');
    const Component = ((await import(pathToFileURL(file).href)) as { default: import('svelte').Component<{ image: typeof image }> }).default;
    const { body } = render(Component, { props: { image } });
    expect(body).toMatch(/<img\b[^>]*\sstyle="[^"]*max-width: 800px;[^"]*"[^>]*>/); // unpic sizes it by style
    expect(body).toContain('sizes="(min-width: 800px) 800px, 100vw"');
    const candidates = await checkSrcset(body);
    // constrained 800: unpic asks for widths up to 2× (1600), the whole 2572 px image past 1280
    expect(candidates.find((c) => c.width === 800)?.size).toBe(896);
    expect(candidates.find((c) => c.width === 1600)?.size).toBe(0);
    console.info(`unpic svelte: ${candidates.map((c) => `${c.width}w→${c.size}`).join(', ')}`);
  });
});
