import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A random public id such as `col_k3j9x0q2m7a1b5c8d4e6` (20 chars of base36, ~103 bits). */
export function newId(prefix: 'usr' | 'ses' | 'key' | 'col' | 'img' | 'job' | 'whk' | 'evt' | 'dlv' | 'att' | 'upl' | 'team' | 'inv' | 'upt' | 'dup'): string {
  const bytes = randomBytes(20);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 36];
  return `${prefix}_${out}`;
}
