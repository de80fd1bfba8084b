/**
 * GraphiQL rendered from @graphql-yoga/render-graphiql, which inlines the editor's scripts, styles
 * and workers into the page: nothing is loaded from a CDN, so it works on a network without
 * internet access. The page is ~9 MB, so each distinct set of options is rendered once.
 */
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { GraphiQLOptions } from 'graphql-yoga';

const rendered = new Map<string, string>();

export function renderOfflineGraphiQL(options: GraphiQLOptions): string {
  const key = JSON.stringify(options);
  let html = rendered.get(key);
  if (html === undefined) {
    html = renderGraphiQL(options);
    rendered.set(key, html);
  }
  return html;
}
