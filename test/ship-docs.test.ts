/**
 * The documentation can be found and trusted: the API references in docs/reference/ are what
 * scripts/docs-reference.ts makes from the OpenAPI document and the printed SDL today (stale ones fail
 * here, like the schema drift check); every relative link and anchor in README.md and docs/ resolves;
 * the index lists every page; the README stays short, shows the two commands and the dashboard picture.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILES } from '../scripts/docs-reference.ts';

/** The feature pages (teams, private delivery, art direction, quality, the frontend kit): the index must link each. */
const FEATURE_PAGES = new Set(['docs/teams.md', 'docs/private-delivery.md', 'docs/art-direction.md', 'docs/quality.md', 'docs/frontend.md']);

const pages = ['README.md', ...readdirSync('docs', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (m) out.add(m[1]!.toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}

function links(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((href) => !/^[a-z]+:/.test(href));
}

describe('docs', () => {
  it.each(Object.entries(REFERENCE_FILES))('%s is generated from its source and up to date (npm run docs:reference)', (path, render) => {
    expect(existsSync(path), `${path} is missing: run npm run docs:reference`).toBe(true);
    expect(readFileSync(path, 'utf8') === render(), `${path} is stale: run npm run docs:reference and commit it`).toBe(true);
  });

  it('documents every REST operation and every GraphQL type', () => {
    const rest = readFileSync('docs/reference/rest.md', 'utf8');
    for (const path of ['/api/v1/auth/signup', '/api/v1/images', '/api/v1/images/{id}', '/api/v1/webhooks', '/api/v1/config']) expect(rest).toContain(` ${path}\``);
    const graphql = readFileSync('docs/reference/graphql.md', 'utf8');
    for (const type of readFileSync('schema/schema.graphql', 'utf8').matchAll(/^(?:type|interface|input|enum|union|scalar) (\w+)/gm)) {
      expect(graphql).toContain(`### ${type[1]}\n`);
    }
  });

  it('resolves every relative link and anchor in README.md and docs/', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const href of links(readFileSync(page, 'utf8'))) {
        const [file, anchor] = href.split('#') as [string, string | undefined];
        const target = file ? normalize(join(dirname(page), file)) : page;
        if (!existsSync(target)) {
          broken.push(`${page}: ${href}`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) broken.push(`${page}: ${href} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('lists every page in the index, docs/README.md', () => {
    const index = links(readFileSync('docs/README.md', 'utf8')).map((href) => join('docs', href.split('#')[0]!));
    expect(pages.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md' && !index.includes(p))).toEqual([]);
    for (const page of FEATURE_PAGES) expect(index).toContain(page);
  });

  it('keeps the README short: what it is, the two commands, the dashboard picture, links', async () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme.split('\n').length).toBeLessThanOrEqual(60);
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
    expect(readme).toContain('](docs/images/dashboard.png)');
    expect(readme).toContain('](docs/README.md)');
    const picture = await sharp('docs/images/dashboard.png').metadata();
    expect(picture.format).toBe('png');
    expect(picture.width).toBeGreaterThanOrEqual(1000);
    expect(readFileSync('docs/images/dashboard.png').length).toBeLessThan(300 * 1024);
  });
});
