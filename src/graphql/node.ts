/**
 * The Relay `Node` interface, with the REST ids as global ids: an id's prefix (`col_`, `key_`,
 * `img_`) already names its type, so ids stay exactly what REST returns (no base64 wrapping) and a
 * client keys its cache by `id` alone. Modules register their types with `registerNode`; `node` and
 * `nodes` load each type's ids in one call, and only the viewer's objects come back (others → null).
 */
import type { OutputRef } from '@pothos/core';
import { ValidationError } from '../errors.ts';
import { builder } from './builder.ts';
import type { GraphQLContext } from './context.ts';

/** Loads the viewer's objects among `ids` (any order; missing or foreign ones are left out). */
export type NodeLoader<T extends { id: string }> = (ids: readonly string[], ctx: GraphQLContext) => Promise<readonly T[]>;

interface NodeType {
  typename: string;
  load: NodeLoader<{ id: string }>;
}

/** `nodes(ids)` takes at most this many ids: one request cannot ask for an unbounded batch. */
export const MAX_NODE_IDS = 100;

const byPrefix = new Map<string, NodeType>();

const prefixOf = (id: string): string => id.slice(0, Math.max(0, id.indexOf('_')));

export const NodeInterface = builder.interfaceRef<{ id: string }>('Node').implement({
  description: 'An object with a globally unique id: the same id REST uses (`img_…`, `col_…`, `key_…`).',
  resolveType: (value) => byPrefix.get(prefixOf(value.id))?.typename ?? null,
  fields: (t) => ({ id: t.exposeID('id') }),
});

/** Makes `ref` loadable through `node`/`nodes`; its ids start with `${prefix}_`. The type must list NodeInterface. */
export function registerNode<T extends { id: string }>(prefix: string, ref: OutputRef<T> & { name: string }, load: NodeLoader<T>): void {
  if (byPrefix.has(prefix)) throw new Error(`Node id prefix ${prefix}_ is registered twice`);
  byPrefix.set(prefix, { typename: ref.name, load: load as NodeLoader<{ id: string }> });
}

/** One load per type, results in the order of `ids`; an unknown, malformed or foreign id gives null. */
async function loadNodes(ids: readonly string[], ctx: GraphQLContext): Promise<({ id: string } | null)[]> {
  const wanted = new Map<NodeType, string[]>();
  for (const id of new Set(ids)) {
    const type = byPrefix.get(prefixOf(id));
    if (type) wanted.set(type, [...(wanted.get(type) ?? []), id]);
  }
  const found = new Map<string, { id: string }>();
  await Promise.all(
    [...wanted].map(async ([type, typeIds]) => {
      for (const node of await type.load(typeIds, ctx)) found.set(node.id, node);
    }),
  );
  return ids.map((id) => found.get(id) ?? null);
}

builder.queryFields((t) => ({
  node: t.field({
    type: NodeInterface,
    nullable: true,
    authScopes: { loggedIn: true },
    description: "One of the viewer's objects by id, or null (unknown id, or someone else's).",
    args: { id: t.arg.id() },
    resolve: async (_root, args, ctx) => (await loadNodes([String(args.id)], ctx))[0] ?? null,
  }),
  nodes: t.field({
    type: [NodeInterface],
    nullable: { list: false, items: true },
    authScopes: { loggedIn: true },
    description: `The viewer's objects by id, in the order asked, null where node(id) would be null. At most ${MAX_NODE_IDS} ids.`,
    args: { ids: t.arg.idList() },
    resolve: (_root, args, ctx) => {
      if (args.ids.length > MAX_NODE_IDS) throw new ValidationError(`nodes takes at most ${MAX_NODE_IDS} ids`, 'INVALID_INPUT', 'ids');
      return loadNodes(args.ids.map(String), ctx);
    },
  }),
}));
