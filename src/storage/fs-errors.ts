/** Reading filesystem errors: a missing file or directory is often fine, other errors are not. */

/** The errno code (ENOENT, EEXIST, …) of a filesystem error. */
export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

export function isMissing(err: unknown): boolean {
  return errnoCode(err) === 'ENOENT' || errnoCode(err) === 'ENOTDIR';
}

export function nullIfMissing(err: unknown): null {
  if (isMissing(err)) return null;
  throw err;
}

export function ignoreCodes(...codes: string[]) {
  return (err: unknown): void => {
    if (!codes.includes(errnoCode(err) ?? '')) throw err;
  };
}

export function emptyIfMissing(err: unknown): [] {
  if (isMissing(err)) return [];
  throw err;
}
