// A WGSL parser for the checker: tokens → an AST with a source line on every node. It covers the
// language our kernels and a user's edits are written in (directives, const/override/var/let,
// structs, aliases, functions, every statement form, template lists as the WGSL spec discovers
// them), and fails with a line and a sentence on anything else. It does not type-check: the
// device's compiler stays the judge of validity; this parser only has to read valid WGSL right.
//
// Why not the `wgsl_reflect` package: judged on every built-in shader (57 at default parameters),
// it threw on two valid ones — `scale_bytes[block / 4u] >> (8u * …)` ("Expected ']'") and the
// subgroup-matrix `alias Left = subgroup_matrix_left<f16, 8, 8>;` — and the interpreter needs a
// full expression AST with lines anyway.

export type Expr =
  | { k: 'lit'; line: number; value: number; type: 'aint' | 'afloat' | 'i32' | 'u32' | 'f32' | 'f16' }
  | { k: 'bool'; line: number; value: boolean }
  | { k: 'id'; line: number; name: string; targs?: Expr[] }
  | { k: 'call'; line: number; fn: Extract<Expr, { k: 'id' }>; args: Expr[] }
  | { k: 'index'; line: number; base: Expr; index: Expr }
  | { k: 'member'; line: number; base: Expr; name: string }
  | { k: 'unary'; line: number; op: '-' | '!' | '~' | '&' | '*'; e: Expr }
  | { k: 'bin'; line: number; op: string; l: Expr; r: Expr };

export type IdExpr = Extract<Expr, { k: 'id' }>;

export interface Attr {
  name: string;
  args: Expr[];
  line: number;
}

export type Stmt =
  | { k: 'decl'; line: number; kind: 'var' | 'let' | 'const'; name: string; type?: IdExpr; init?: Expr; space?: string; access?: string }
  | { k: 'assign'; line: number; op: string; lhs: Expr | null; rhs: Expr }
  | { k: 'incdec'; line: number; op: '++' | '--'; lhs: Expr }
  | { k: 'expr'; line: number; e: Expr }
  | { k: 'if'; line: number; cond: Expr; then: Stmt[]; else?: Stmt[] }
  | { k: 'for'; line: number; init?: Stmt; cond?: Expr; update?: Stmt; body: Stmt[] }
  | { k: 'while'; line: number; cond: Expr; body: Stmt[] }
  | { k: 'loop'; line: number; body: Stmt[]; continuing?: Stmt[]; breakIf?: Expr }
  | { k: 'switch'; line: number; sel: Expr; clauses: { selectors: (Expr | 'default')[]; body: Stmt[] }[] }
  | { k: 'break'; line: number }
  | { k: 'continue'; line: number }
  | { k: 'return'; line: number; e?: Expr }
  | { k: 'discard'; line: number }
  | { k: 'block'; line: number; body: Stmt[] }
  | { k: 'nop'; line: number };

export interface Param {
  name: string;
  type: IdExpr;
  attrs: Attr[];
}

export type Decl =
  | { k: 'var'; line: number; name: string; space?: string; access?: string; type?: IdExpr; init?: Expr; attrs: Attr[] }
  | { k: 'const' | 'override'; line: number; name: string; type?: IdExpr; init?: Expr; attrs: Attr[] }
  | { k: 'struct'; line: number; name: string; members: { name: string; type: IdExpr; attrs: Attr[]; line: number }[] }
  | { k: 'alias'; line: number; name: string; type: IdExpr }
  | { k: 'fn'; line: number; name: string; params: Param[]; ret?: IdExpr; body: Stmt[]; attrs: Attr[]; endLine: number };

export interface Module {
  decls: Decl[];
  /** `enable` extensions named by the shader. */
  enables: string[];
}

export class WgslParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'WgslParseError';
  }
}

// ---- tokens ----------------------------------------------------------------------------------

interface Token {
  t: 'id' | 'num' | 'punct' | 'eof';
  v: string;
  line: number;
  col: number;
  /** Offset in the source, to tell whether two tokens touch (`>` `>` is `>>`). */
  pos: number;
  /** For `<` and `>`: part of a template list (WGSL's template-list discovery). */
  template?: boolean;
}

// `<`, `>` and `=` are single tokens; the parser joins touching ones into `<<`, `>=`, `>>=`…,
// so `array<vec4<f32>>` needs no splitting.
const PUNCT = ['->', '&&', '||', '==', '!=', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '!'];
const SINGLE = '()[]{}<>=,;:.@+-*/%&|^~';

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      line++;
      i++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        if (src[i] === '/' && src[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (src[i] === '*' && src[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          if (src[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
      }
      continue;
    }
    const col = i - lineStart + 1;
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      out.push({ t: 'id', v: src.slice(start, i), line, col, pos: start });
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*([pP][+-]?[0-9]+)?[fhiu]?|([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)([eE][+-]?[0-9]+)?[fhiu]?)/.exec(
      src.slice(i, i + 64),
    );
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const text = num![0];
      i += text.length;
      out.push({ t: 'num', v: text, line, col, pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (PUNCT.includes(two)) {
      out.push({ t: 'punct', v: two, line, col, pos: start });
      i += 2;
      continue;
    }
    if (SINGLE.includes(c) || c === '!') {
      out.push({ t: 'punct', v: c, line, col, pos: start });
      i++;
      continue;
    }
    throw new WgslParseError(`unexpected character '${c}'`, line, col);
  }
  out.push({ t: 'eof', v: '', line, col: i - lineStart + 1, pos: i });
  discoverTemplates(out);
  return out;
}

/**
 * WGSL's template-list discovery (spec §3.9, simplified): an identifier followed by `<` starts a
 * template list when a matching `>` comes at the same nesting depth before `;`, `{`, `:`, `=`,
 * `&&`, `||` or an unbalanced `)`/`]`.
 */
function discoverTemplates(tokens: Token[]): void {
  const pending: { index: number; depth: number }[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    const v = tok.t === 'punct' ? tok.v : '';
    if (
      v === '<' &&
      tokens[i - 1]?.t === 'id' &&
      !(tokens[i + 1]?.v === '<' && tokens[i + 1].pos === tok.pos + 1) &&
      !(tokens[i + 1]?.v === '=' && tokens[i + 1].pos === tok.pos + 1)
    ) {
      pending.push({ index: i, depth });
      continue;
    }
    if (v === '>') {
      const top = pending[pending.length - 1];
      if (top && top.depth === depth) {
        pending.pop();
        tokens[top.index].template = true;
        tok.template = true;
      }
      continue;
    }
    if (v === '(' || v === '[') depth++;
    else if (v === ')' || v === ']') {
      while (pending.length && pending[pending.length - 1].depth >= depth) pending.pop();
      depth = Math.max(0, depth - 1);
    } else if (v === ';' || v === '{' || v === ':' || (v === '=' && tokens[i + 1]?.v !== '=')) {
      pending.length = 0;
      depth = 0;
    } else if (v === '&&' || v === '||') {
      while (pending.length && pending[pending.length - 1].depth >= depth) pending.pop();
    }
  }
}

// ---- parser ----------------------------------------------------------------------------------

export function parseWgsl(src: string): Module {
  return new Parser(tokenize(src)).module();
}

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private get tok(): Token {
    return this.toks[this.i];
  }
  private peek(n = 1): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private fail(message: string, tok = this.tok): never {
    throw new WgslParseError(message, tok.line, tok.col);
  }
  private is(v: string): boolean {
    return this.tok.t !== 'eof' && this.tok.t !== 'num' && this.tok.v === v;
  }
  private eat(v: string): boolean {
    if (this.is(v)) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(v: string): Token {
    if (!this.is(v)) this.fail(`expected '${v}' but found '${this.tok.v || 'end of file'}'`);
    return this.toks[this.i++];
  }
  private ident(): string {
    if (this.tok.t !== 'id') this.fail(`expected a name but found '${this.tok.v || 'end of file'}'`);
    return this.toks[this.i++].v;
  }
  /** The (possibly joined) operator at the cursor: `<<`, `>>`, `<=`, `>=`, `>>=`, `<<=`… */
  private op(): string {
    const t = this.tok;
    if (t.t !== 'punct' || t.template) return '';
    if (t.v === '<' || t.v === '>') {
      let text = t.v;
      let j = this.i + 1;
      const touching = (k: number) => this.toks[k].pos === this.toks[k - 1].pos + 1;
      if (this.toks[j].v === t.v && touching(j) && !this.toks[j].template) {
        text += t.v;
        j++;
      }
      if (this.toks[j].v === '=' && touching(j)) text += '=';
      return text;
    }
    if (t.v === '=' && this.peek().v === '=' && this.peek().pos === t.pos + 1) return '==';
    return t.v;
  }
  private takeOp(text: string): void {
    // `<<=` is three tokens, `>=` two, `==` may be one token or two.
    let n = 0;
    for (let len = 0; len < text.length; n++) len += this.toks[this.i + n].v.length;
    this.i += n;
  }

  module(): Module {
    const decls: Decl[] = [];
    const enables: string[] = [];
    while (this.tok.t !== 'eof') {
      if (this.is('enable') || this.is('requires')) {
        const isEnable = this.tok.v === 'enable';
        this.i++;
        do {
          const name = this.ident();
          if (isEnable) enables.push(name);
        } while (this.eat(','));
        this.expect(';');
        continue;
      }
      if (this.is('diagnostic')) {
        while (!this.eat(';')) this.i++;
        continue;
      }
      if (this.eat(';')) continue;
      decls.push(this.globalDecl());
    }
    return { decls, enables };
  }

  private attrs(): Attr[] {
    const out: Attr[] = [];
    while (this.is('@')) {
      const line = this.tok.line;
      this.i++;
      const name = this.ident();
      const args: Expr[] = [];
      if (this.eat('(')) {
        if (name === 'diagnostic' || name === 'interpolate') {
          let depth = 1;
          while (depth > 0) {
            if (this.is('(')) depth++;
            if (this.is(')')) depth--;
            this.i++;
          }
        } else {
          while (!this.eat(')')) {
            args.push(this.expr());
            if (!this.is(')')) this.expect(',');
          }
        }
      }
      out.push({ name, args, line });
    }
    return out;
  }

  private globalDecl(): Decl {
    const attrs = this.attrs();
    const line = this.tok.line;
    if (this.eat('struct')) {
      const name = this.ident();
      this.expect('{');
      const members: { name: string; type: IdExpr; attrs: Attr[]; line: number }[] = [];
      while (!this.eat('}')) {
        const mAttrs = this.attrs();
        const mLine = this.tok.line;
        const mName = this.ident();
        this.expect(':');
        members.push({ name: mName, type: this.type(), attrs: mAttrs, line: mLine });
        if (!this.is('}')) this.expect(',');
      }
      this.eat(';');
      return { k: 'struct', line, name, members };
    }
    if (this.eat('alias')) {
      const name = this.ident();
      this.expect('=');
      const type = this.type();
      this.expect(';');
      return { k: 'alias', line, name, type };
    }
    if (this.eat('fn')) {
      const name = this.ident();
      this.expect('(');
      const params: Param[] = [];
      while (!this.eat(')')) {
        const pAttrs = this.attrs();
        const pName = this.ident();
        this.expect(':');
        params.push({ name: pName, type: this.type(), attrs: pAttrs });
        if (!this.is(')')) this.expect(',');
      }
      let ret: IdExpr | undefined;
      if (this.eat('->')) {
        this.attrs();
        ret = this.type();
      }
      const body = this.block();
      return { k: 'fn', line, name, params, ret, body, attrs, endLine: this.toks[this.i - 1].line };
    }
    if (this.eat('const_assert')) {
      this.expr();
      this.expect(';');
      return { k: 'const', line, name: '', attrs };
    }
    if (this.is('var')) {
      const d = this.varDecl();
      this.expect(';');
      return { k: 'var', line, name: d.name, space: d.space, access: d.access, type: d.type, init: d.init, attrs };
    }
    if (this.is('const') || this.is('override') || this.is('let')) {
      const kind = this.tok.v === 'override' ? 'override' : 'const';
      this.i++;
      const name = this.ident();
      const type = this.eat(':') ? this.type() : undefined;
      const init = this.eat('=') ? this.expr() : undefined;
      this.expect(';');
      return { k: kind, line, name, type, init, attrs };
    }
    this.fail(`expected a declaration but found '${this.tok.v}'`);
  }

  private varDecl(): { name: string; space?: string; access?: string; type?: IdExpr; init?: Expr } {
    this.expect('var');
    let space: string | undefined;
    let access: string | undefined;
    if (this.is('<')) {
      this.i++;
      space = this.ident();
      if (this.eat(',')) access = this.ident();
      this.expect('>');
    }
    const name = this.ident();
    const type = this.eat(':') ? this.type() : undefined;
    const init = this.eat('=') ? this.expr() : undefined;
    return { name, space, access, type, init };
  }

  /** A type: an identifier with an optional template list (`array<vec4<f32>, 4>`). */
  private type(): IdExpr {
    const line = this.tok.line;
    const name = this.ident();
    if (this.is('<') && this.tok.template) return { k: 'id', line, name, targs: this.templateArgs() };
    return { k: 'id', line, name };
  }

  private templateArgs(): Expr[] {
    this.expect('<');
    const args: Expr[] = [];
    while (!(this.is('>') && this.tok.template)) {
      args.push(this.expr());
      if (!(this.is('>') && this.tok.template)) this.expect(',');
    }
    this.i++;
    return args;
  }

  private block(): Stmt[] {
    this.attrs();
    this.expect('{');
    const out: Stmt[] = [];
    while (!this.eat('}')) {
      if (this.tok.t === 'eof') this.fail('unclosed block: expected }');
      out.push(this.stmt());
    }
    return out;
  }

  private stmt(): Stmt {
    this.attrs();
    const line = this.tok.line;
    if (this.eat(';')) return { k: 'nop', line };
    if (this.is('{')) return { k: 'block', line, body: this.block() };
    if (this.eat('if')) return this.ifRest(line);
    if (this.eat('for')) {
      this.expect('(');
      const init = this.is(';') ? undefined : this.simpleStmt();
      this.expect(';');
      const cond = this.is(';') ? undefined : this.expr();
      this.expect(';');
      const update = this.is(')') ? undefined : this.simpleStmt();
      this.expect(')');
      return { k: 'for', line, init, cond, update, body: this.block() };
    }
    if (this.eat('while')) {
      const cond = this.expr();
      return { k: 'while', line, cond, body: this.block() };
    }
    if (this.eat('loop')) {
      this.attrs();
      this.expect('{');
      const body: Stmt[] = [];
      let continuing: Stmt[] | undefined;
      let breakIf: Expr | undefined;
      while (!this.eat('}')) {
        if (this.eat('continuing')) {
          this.attrs();
          this.expect('{');
          continuing = [];
          while (!this.eat('}')) {
            if (this.is('break') && this.peek().v === 'if') {
              this.i += 2;
              breakIf = this.expr();
              this.expect(';');
            } else continuing.push(this.stmt());
          }
        } else body.push(this.stmt());
      }
      return { k: 'loop', line, body, continuing, breakIf };
    }
    if (this.eat('switch')) {
      const sel = this.expr();
      this.attrs();
      this.expect('{');
      const clauses: { selectors: (Expr | 'default')[]; body: Stmt[] }[] = [];
      while (!this.eat('}')) {
        const selectors: (Expr | 'default')[] = [];
        if (this.eat('default')) selectors.push('default');
        else {
          this.expect('case');
          do {
            if (this.is(':') || this.is('{')) break;
            if (this.eat('default')) selectors.push('default');
            else selectors.push(this.expr());
          } while (this.eat(','));
        }
        this.eat(':');
        clauses.push({ selectors, body: this.block() });
      }
      return { k: 'switch', line, sel, clauses };
    }
    if (this.eat('break')) {
      this.expect(';');
      return { k: 'break', line };
    }
    if (this.eat('continue')) {
      this.expect(';');
      return { k: 'continue', line };
    }
    if (this.eat('return')) {
      const e = this.is(';') ? undefined : this.expr();
      this.expect(';');
      return { k: 'return', line, e };
    }
    if (this.eat('discard')) {
      this.expect(';');
      return { k: 'discard', line };
    }
    if (this.eat('const_assert')) {
      this.expr();
      this.expect(';');
      return { k: 'nop', line };
    }
    const s = this.simpleStmt();
    this.expect(';');
    return s;
  }

  private ifRest(line: number): Stmt {
    const cond = this.expr();
    const then = this.block();
    if (this.eat('else')) {
      if (this.is('if')) {
        const l = this.tok.line;
        this.i++;
        return { k: 'if', line, cond, then, else: [this.ifRest(l)] };
      }
      return { k: 'if', line, cond, then, else: this.block() };
    }
    return { k: 'if', line, cond, then };
  }

  /** Declarations, assignments, increments and call statements (also for-loop headers). */
  private simpleStmt(): Stmt {
    const line = this.tok.line;
    if (this.is('var')) {
      const d = this.varDecl();
      return { k: 'decl', line, kind: 'var', name: d.name, type: d.type, init: d.init, space: d.space, access: d.access };
    }
    if (this.is('let') || this.is('const')) {
      const kind = this.tok.v as 'let' | 'const';
      this.i++;
      const name = this.ident();
      const type = this.eat(':') ? this.type() : undefined;
      this.expect('=');
      return { k: 'decl', line, kind, name, type, init: this.expr() };
    }
    if (this.is('_') && this.peek().v === '=') {
      this.i += 2;
      return { k: 'assign', line, op: '=', lhs: null, rhs: this.expr() };
    }
    const lhs = this.unary();
    if (this.is('++') || this.is('--')) {
      const op = this.tok.v as '++' | '--';
      this.i++;
      return { k: 'incdec', line, op, lhs };
    }
    const op = this.op();
    if (op === '=') {
      this.i++;
      return { k: 'assign', line, op: '=', lhs, rhs: this.expr() };
    }
    if (op.length >= 2 && op.endsWith('=') && op !== '==' && op !== '<=' && op !== '>=' && op !== '!=') {
      this.takeOp(op);
      return { k: 'assign', line, op: op.slice(0, -1), lhs, rhs: this.expr() };
    }
    if (lhs.k === 'call') return { k: 'expr', line, e: lhs };
    this.fail(`expected an assignment or a call but found '${this.tok.v}'`);
  }

  expr(level = 0): Expr {
    if (level === BINARY_LEVELS.length) return this.unary();
    let l = this.expr(level + 1);
    for (;;) {
      const op = this.op();
      if (!BINARY_LEVELS[level].includes(op)) return l;
      const line = this.tok.line;
      this.takeOp(op);
      const r = this.expr(level + 1);
      l = { k: 'bin', line, op, l, r };
    }
  }

  private unary(): Expr {
    const line = this.tok.line;
    for (const op of ['-', '!', '~', '&', '*'] as const) {
      if (this.is(op)) {
        this.i++;
        return { k: 'unary', line, op, e: this.unary() };
      }
    }
    return this.postfix(this.primary());
  }

  private postfix(e: Expr): Expr {
    for (;;) {
      const line = this.tok.line;
      if (this.eat('[')) {
        const index = this.expr();
        this.expect(']');
        e = { k: 'index', line, base: e, index };
      } else if (this.eat('.')) {
        e = { k: 'member', line, base: e, name: this.ident() };
      } else return e;
    }
  }

  private primary(): Expr {
    const t = this.tok;
    const line = t.line;
    if (t.t === 'num') {
      this.i++;
      return literal(t);
    }
    if (this.eat('(')) {
      const e = this.expr();
      this.expect(')');
      return e;
    }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') {
        this.i++;
        return { k: 'bool', line, value: t.v === 'true' };
      }
      this.i++;
      const id: IdExpr = { k: 'id', line, name: t.v };
      if (this.is('<') && this.tok.template) id.targs = this.templateArgs();
      if (this.eat('(')) {
        const args: Expr[] = [];
        while (!this.eat(')')) {
          args.push(this.expr());
          if (!this.is(')')) this.expect(',');
        }
        return { k: 'call', line, fn: id, args };
      }
      return id;
    }
    this.fail(`expected an expression but found '${t.v || 'end of file'}'`);
  }
}

function literal(t: Token): Expr {
  let text = t.v;
  const last = text[text.length - 1];
  const hex = /^0[xX]/.test(text);
  let suffix = '';
  if (last === 'u' || last === 'i' || last === 'h' || (last === 'f' && !hex)) {
    suffix = last;
    text = text.slice(0, -1);
  }
  const isFloat = hex ? /[.pP]/.test(text) : /[.eE]/.test(text) || suffix === 'f' || suffix === 'h';
  let value: number;
  if (hex && isFloat) {
    const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)(?:[pP]([+-]?[0-9]+))?$/.exec(text)!;
    value = (parseInt(m[1] || '0', 16) + (m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0)) * 2 ** Number(m[3] ?? 0);
  } else value = hex ? parseInt(text, 16) : Number(text);
  const type = suffix === 'u' ? 'u32' : suffix === 'i' ? 'i32' : suffix === 'f' ? 'f32' : suffix === 'h' ? 'f16' : isFloat ? 'afloat' : 'aint';
  return { k: 'lit', line: t.line, value, type };
}

/** Every identifier an expression, statement list or type names (for reachability). */
export function namesIn(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) namesIn(n, out);
  } else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (o.k === 'id' && typeof o.name === 'string') out.add(o.name);
    if (o.k === 'decl' && typeof o.name === 'string') {
      // A local of the same name shadows nothing we track by name; keep it simple.
    }
    for (const key in o) if (key !== 'line') namesIn(o[key], out);
  }
  return out;
}
