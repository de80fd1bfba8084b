/** GraphQL documents that abuse the server, sized against the configured limits (src/config.ts defaults). */

const repeat = (n: number, item: (i: number) => string, sep = ' ') => Array.from({ length: n }, (_, i) => item(i)).join(sep);

/** `{ __schema { types { ofType { … name } } } }`, `levels` fields deep; graphql-js's own introspection rule lets it through. */
export function deepIntrospection(levels: number): string {
  let inner = 'name';
  for (let i = 0; i < levels - 3; i++) inner = `ofType { ${inner} }`;
  return `{ __schema { types { ${inner} } } }`;
}

/** `n` aliased fields; as a mutation every alias would create a collection. */
export function aliases(n: number, operation: 'query' | 'mutation' = 'query'): string {
  return operation === 'query'
    ? `{ me { ${repeat(n, (i) => `a${i}: id`)} } }`
    : `mutation { ${repeat(n, (i) => `a${i}: createCollection(name: "alias ${i}") { __typename }`)} }`;
}

/** One fragment that creates a collection, spread `n` times. */
export function fragmentSpreads(n: number): string {
  return `mutation { ${repeat(n, () => '...F')} }
fragment F on Mutation { createCollection(name: "spread") { ... on Collection { id name createdAt } ... on Error { code message } } }`;
}

/** `n` directives on one mutation's selections. */
export function directives(n: number): string {
  return `mutation { createCollection(name: "directives") { __typename ${repeat(n, () => '__typename @include(if: true)')} } }`;
}

/** `n` tokens as densely as text allows, `{ me { id id … } }` (about 3n bytes: under the WebSocket frame limit for n = 15,000). */
export function denseTokens(n: number): string {
  return `{ me { ${repeat(Math.max(1, n - 5), () => 'id')} } }`;
}

/**
 * A valid, cheap query of exactly `n` tokens: `{ ... on Query { __typename } … __typename }`. (Not
 * `id id id …`: graphql-js itself aborts validating about 1,000 same-named fields.)
 */
export function tokens(n: number): string {
  const fragments = Math.floor((n - 2) / 6);
  const rest = n - 2 - 6 * fragments;
  return `{ ${repeat(fragments, () => '... on Query { __typename }')} ${repeat(rest, () => '__typename')} }`;
}
