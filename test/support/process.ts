/** Runs the compiled CLI (`node dist/src/main.js …`) as a real child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve('dist/src/main.js');

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first log line matching the pattern. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  exited: Promise<number | null>;
}

export function runMain(args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.pattern.test(l));
      if (line) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolvePromise, reject) => {
        const line = out.split('\n').find((l) => pattern.test(l));
        if (line) return resolvePromise(line);
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)), timeoutMs);
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolvePromise(l)) });
        void exited.then((code) => reject(new Error(`process exited (${code}) before ${pattern}; output:\n${out}`)));
      }),
  };
}
