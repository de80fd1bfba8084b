/**
 * GraphiQL rendered from @graphql-yoga/render-graphiql, which inlines the editor's scripts, styles
 * and workers into the page: nothing is loaded from a CDN, so it works on a network without
 * internet access. The page is ~9 MB, so each distinct set of options is rendered once.
 */
import { createHash } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

const rendered = new Map<string, string>();
/** SHA-256 (base64) of every inline script of the pages rendered here: the CSP allows exactly these. */
export const graphiqlScriptHashes = new Set<string>();

export function renderOfflineGraphiQL(options: GraphiQLOptions): string {
  const key = JSON.stringify(options);
  let html = rendered.get(key);
  if (html === undefined) {
    html = renderGraphiQL(options);
    rendered.set(key, html);
    for (const m of html.matchAll(/<script(?:\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
      if (m[1]) graphiqlScriptHashes.add(createHash('sha256').update(m[1]).digest('base64'));
    }
  }
  return html;
}
