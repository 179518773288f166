// Reading our own source as syntax trees (rolldown's parser, the one Vite builds with), for the
// tests that check the architecture rules: which modules a file imports, which strings it names.
import { parseAst } from 'rolldown/parseAst';

type Node = { type: string; [key: string]: unknown };

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
  } else if (node && typeof node === 'object' && typeof (node as Node).type === 'string') {
    visit(node as Node);
    for (const [key, value] of Object.entries(node)) if (key !== 'type' && value && typeof value === 'object') walk(value, visit);
  }
}

function parse(text: string, file = 'x.tsx') {
  return parseAst(text, { lang: file.endsWith('.tsx') ? 'tsx' : 'ts' });
}

/** Every module specifier a file imports or re-exports, static or dynamic, type-only included. */
export function importsOf(text: string, file = 'x.ts'): string[] {
  const found: string[] = [];
  walk(parse(text, file), (n) => {
    const source = n.source as { value?: unknown } | null | undefined;
    if (['ImportDeclaration', 'ExportNamedDeclaration', 'ExportAllDeclaration', 'ImportExpression'].includes(n.type) && typeof source?.value === 'string') {
      found.push(source.value);
    }
  });
  return found;
}

/** String literals and substitution-free template literals, outside comments and JSX text. */
export function stringLiterals(text: string, file = 'x.tsx'): string[] {
  const found: string[] = [];
  walk(parse(text, file), (n) => {
    if (n.type === 'Literal' && typeof n.value === 'string') found.push(n.value);
    if (n.type === 'TemplateLiteral' && (n.expressions as unknown[]).length === 0) {
      found.push((n.quasis as { value: { cooked: string } }[])[0]?.value.cooked ?? '');
    }
  });
  return found;
}
