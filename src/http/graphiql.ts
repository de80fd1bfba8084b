/**
 * GraphiQL rendered from @graphql-yoga/render-graphiql, which inlines the editor's scripts, styles
 * and workers into the page: nothing is loaded from a CDN, so it works on a network without
 * internet access. The page is ~9 MB, so each distinct set of options is rendered once.
 *
 * The package is imported on the first GraphiQL request, not at start-up: its module source alone
 * holds ~28 MB of V8 heap (an 18 MB source string and the 10 MB bundle it exports), which every API
 * node and worker would otherwise carry whether or not anyone opens the editor (bench:memory).
 */
import { createHash } from 'node:crypto';
import type { GraphiQLOptions } from 'graphql-yoga';

const rendered = new Map<string, Promise<string>>();
/** SHA-256 (base64) of every inline script of the pages rendered here: the CSP allows exactly these. */
export const graphiqlScriptHashes = new Set<string>();

export function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  let html = rendered.get(key);
  if (html === undefined) {
    html = import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => {
      const page = renderGraphiQL(options);
      for (const m of page.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
        if (m[1]) graphiqlScriptHashes.add(createHash('sha256').update(m[1]).digest('base64'));
      }
      return page;
    });
    // a failed import is not cached: the next request tries again
    html.catch(() => rendered.delete(key));
    rendered.set(key, html);
  }
  return html;
}
