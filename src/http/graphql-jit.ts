/**
 * Queries run compiled: graphql-jit turns a validated query into one JavaScript function for this
 * schema, made once per parsed document (Yoga's parser cache hands back the same document for the
 * same text, so the compiled function lives as long as it does). A page of 100 images with their
 * variants then takes about 3/4 of the time it takes on graphql-js's executor, which allocated
 * ~11 MB a page in per-field bookkeeping (~6.5 MB compiled; bench:list, README "Listing a big
 * library").
 *
 * Only queries: that is where the size is. A mutation returns one object, and graphql-jit coerces
 * its `Upload` variable otherwise (an Upload sent as JSON got another error than graphql-js
 * gives). Subscriptions execute each event on graphql-js's subscribe; graphql-jit's broke our
 * subscriber caps and shutdown codes. `GRAPHQL_JIT=off` runs queries on graphql-js too.
 *
 * Answers are those of graphql-js (test/graphql-jit.test.ts compares them), but for two things:
 * - errors: graphql-jit knows where a field is (line, column) but not its AST node, and Yoga
 *   rebuilds every error from its nodes or source positions; so they are rebuilt here against the
 *   document's source, and keep their `locations`;
 * - the order of keys that come from fragment spreads may differ from the document's (values are
 *   the same): JSON clients read by key.
 */
import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type ExecutionArgs, type ExecutionResult, type Source } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.ts';

export type Engine = 'jit' | 'graphql-js';
export type OperationType = 'query' | 'mutation' | 'subscription';

/** The type of the operation `operationName` of `document`, and the executor that runs it. */
export function engineFor(document: DocumentNode, operationName: string | null | undefined, jit: boolean): { type: OperationType | undefined; engine: Engine } {
  const type = getOperationAST(document, operationName)?.operation;
  return { type, engine: jit && type === 'query' ? 'jit' : 'graphql-js' };
}

interface Compiled {
  /** The compiled operation, or the errors graphql-jit refused it with. */
  query: CompiledQuery | ExecutionResult;
  source: Source | undefined;
  /** Offsets of the source's line starts: a (line, column) back to a position. */
  lineStarts: number[];
}

/** Errors graphql-jit raised, as graphql-js would have: located in the document's source. */
function located(result: ExecutionResult, compiled: Compiled): ExecutionResult {
  const { source, lineStarts } = compiled;
  if (!result.errors?.length || !source) return result;
  const errors = result.errors.map((error) =>
    error.nodes || !error.locations?.length
      ? error
      : new GraphQLError(error.message, {
          source,
          positions: error.locations.map((l) => (lineStarts[l.line - 1] ?? 0) + l.column - 1),
          path: error.path,
          originalError: error.originalError,
          extensions: error.extensions,
        }),
  );
  // errors before data, as graphql-js writes a result
  return { errors, ...('data' in result ? { data: result.data } : {}), ...(result.extensions ? { extensions: result.extensions } : {}) };
}

/** A refused request's error: HTTP 400, as @graphql-tools/executor marks it (not written into the JSON). */
function badRequest(error: GraphQLError): GraphQLError {
  Object.defineProperty(error, 'extensions', { value: { ...error.extensions, http: { status: 400 } } });
  return error;
}

/** Compiles queries when `enabled`; `onOperation` hears of every operation started and its executor. */
export function compiledQueries(enabled: boolean, logger: Logger, onOperation?: (type: OperationType, engine: Engine) => void): Plugin {
  const cache = new WeakMap<DocumentNode, Map<string | null | undefined, Compiled>>();

  function compiledFor(args: ExecutionArgs): Compiled {
    let byName = cache.get(args.document);
    if (!byName) cache.set(args.document, (byName = new Map()));
    let compiled = byName.get(args.operationName);
    if (!compiled) {
      // @skip/@include on fragment spreads evaluated per path, as the spec has it (Relay and Apollo
      // spread fragments everywhere): the older rule is graphql-jit's default only for compatibility
      const query = compileQuery(args.schema, args.document, args.operationName ?? undefined, { useExperimentalPathBasedSkipInclude: true });
      if (!isCompiledQuery(query)) logger.warn({ errors: query.errors?.map((e) => e.message) }, 'graphql-jit could not compile a query');
      const source = args.document.loc?.source;
      const lineStarts = [0];
      for (const m of source?.body.matchAll(/\r\n|\n|\r/g) ?? []) lineStarts.push(m.index + m[0].length);
      byName.set(args.operationName, (compiled = { query, source, lineStarts }));
    }
    return compiled;
  }

  function execute(args: ExecutionArgs): ExecutionResult | Promise<ExecutionResult> {
    const compiled = compiledFor(args);
    if (!isCompiledQuery(compiled.query)) return compiled.query;
    const finish = (result: ExecutionResult): ExecutionResult => {
      // no data: the variables were refused before anything ran; say why in graphql-js's words
      // (graphql-jit's differ), which a client may already show or match, and with HTTP 400 as
      // Yoga's executor answers them
      if (!('data' in result) && result.errors?.length) {
        const operation = getOperationAST(args.document, args.operationName);
        const coerced = operation && getVariableValues(args.schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
        return { errors: (coerced?.errors ?? located(result, compiled).errors!).map(badRequest) };
      }
      return located(result, compiled);
    };
    const result = compiled.query.query(args.rootValue, args.contextValue, args.variableValues);
    return result instanceof Promise ? result.then(finish) : finish(result);
  }

  return {
    onExecute({ args, setExecuteFn }) {
      const { type, engine } = engineFor(args.document, args.operationName, enabled);
      if (type) onOperation?.(type, engine);
      if (engine === 'jit') setExecuteFn(execute as never);
    },
    onSubscribe({ args }) {
      const { type, engine } = engineFor(args.document, args.operationName, enabled);
      if (type) onOperation?.(type, engine);
    },
  };
}
