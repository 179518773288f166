// Views ask the variant (its facets) instead of keeping tables keyed by variant ids: no string
// literal in src/views may be a registered variant id. (ARCHITECTURE.md, "A variant describes itself".)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allVariants } from '../../src/kernels/registry';
import { stringLiterals } from './sourceAst';

const VIEWS = resolve(__dirname, '../../src/views');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

describe('views ask the variant', () => {
  it('no view names a variant id', () => {
    const ids = new Set(allVariants().map((v) => v.id));
    const found: string[] = [];
    for (const file of walk(VIEWS)) {
      for (const literal of stringLiterals(readFileSync(file, 'utf8'), file)) {
        // A variant id, or an id prefix such as 'gemm-' used to test a group of variants.
        if (ids.has(literal) || (literal.endsWith('-') && [...ids].some((id) => id.startsWith(literal)))) {
          found.push(`${relative(VIEWS, file)}: '${literal}'`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it('the literal reader finds literals and skips comments (a check that cannot fail is no check)', () => {
    expect(stringLiterals(`const a = 'tiled'; // 'naive'\nconst b = <p>doesn't {x === "copy"}</p>; /* 'dense' */ const c = \`gemv\`;`)).toEqual([
      'tiled',
      'copy',
      'gemv',
    ]);
  });
});
