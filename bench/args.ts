/** A bench's `-- --name value` options. */
const args = process.argv.slice(2);

/** The value after `--name`, or undefined. */
export function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Whether `--name` was given. */
export function flag(name: string): boolean {
  return args.includes(`--${name}`);
}
