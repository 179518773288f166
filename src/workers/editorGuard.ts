// The loop guard: why an edited kernel that never ends cannot take the GPU with it.
//
// A compute dispatch cannot be stopped once submitted. On a real GPU the operating system's
// watchdog resets the device after a few seconds (the page then sees a device loss and recovers);
// on a software adapter (SwiftShader) nothing does: an endless loop keeps the GPU process busy
// until the browser is closed, and every later WebGPU call in every tab waits behind it (measured:
// no new device for over two minutes). So before an edit runs for real, it runs once with every
// loop guarded:
//
//   - each loop body starts with `iterations += 1; if (iterations > CAP) { record the line; break; }`
//     (one counter per invocation: a private variable; in functions that call barriers or subgroup
//     builtins, whose uniformity a private variable would break, a function variable adds up the
//     total and each loop trips on its own counter (per invocation, as the total) — one shared counter
//     would carry a data-dependent loop's count into a later loop with a barrier and make its
//     break non-uniform, which the compiler refuses);
//   - the entry point records the most iterations an invocation made (atomicMax) before it
//     returns, into a small extra storage buffer bound after the harness's bindings.
//
// The unedited kernel, guarded with no cap, tells how many iterations its invocations need; the
// edit's cap is a generous multiple of that (or the user's). A guarded kernel ends after at most
// CAP iterations per invocation, so the probe ends; a tripped guard refuses the run with the line
// of the loop. The guard adds no line breaks, so the compiler's line numbers stay the user's.
//
// What it cannot see: a helper function with barriers counts its loops per call (a function
// variable), so helpers called inside loops multiply the cap; a grid of millions of workgroups
// still takes as long as it takes (the run's time budget is the answer there).

/** The largest cap: counters are u32 and must not wrap before they trip. */
export const MAX_LOOP_CAP = 2 ** 31;

export interface GuardOptions {
  /** Iterations per invocation after which a loop breaks and records its line. */
  cap: number;
  /** The @binding index (group 0) of the guard buffer: after the harness's bindings. */
  binding: number;
  entryPoint?: string;
}

export interface Guarded {
  wgsl: string;
  /** Loops guarded. */
  loops: number;
  /** The entry point was found and the guard buffer is used (bind it); false: the source is returned as it was. */
  applied: boolean;
}

/** The guard buffer: [0] the last line of a loop that hit the cap, [1] most iterations of one invocation, [2] 0xffffffff minus the first such line. */
export const GUARD_BUFFER = 'kl_guard';

const BARRIER_LIKE = /\b(workgroupBarrier|storageBarrier|textureBarrier|workgroupUniformLoad|subgroup\w*|quad\w*)\s*\(/;

/** The source with comments blanked out (same length, line breaks kept), so scanning skips them. */
function blankComments(src: string): string {
  const out = src.split('');
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') out[i++] = ' ';
    } else if (src.startsWith('/*', i)) {
      let depth = 0;
      do {
        if (src.startsWith('/*', i)) {
          depth++;
          out[i] = out[i + 1] = ' ';
          i += 2;
        } else if (src.startsWith('*/', i)) {
          depth--;
          out[i] = out[i + 1] = ' ';
          i += 2;
        } else {
          if (src[i] !== '\n') out[i] = ' ';
          i++;
        }
      } while (depth > 0 && i < src.length);
    } else i++;
  }
  return out.join('');
}

/** Index of the bracket that closes the one at `open` (or -1). */
function matching(code: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const close = pairs[code[open]];
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === code[open]) depth++;
    else if (code[i] === close && --depth === 0) return i;
  }
  return -1;
}

/** The first `{` at or after `from` outside parentheses. */
function nextBrace(code: string, from: number): number {
  let depth = 0;
  for (let i = from; i < code.length; i++) {
    const c = code[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '{' && depth === 0) return i;
    else if (c === ';' && depth === 0) return -1;
  }
  return -1;
}

/** Guards every loop of the shader (see the header). Never throws: a shader it cannot read comes back with loops 0 for the compiler to judge. */
export function guardLoops(src: string, options: GuardOptions): Guarded {
  const code = blankComments(src);
  const entry = options.entryPoint ?? 'main';
  const cap = Math.max(1, Math.min(MAX_LOOP_CAP, Math.floor(options.cap)));
  const lineAt = (i: number) => {
    let line = 1;
    for (let k = 0; k < i; k++) if (code.charCodeAt(k) === 10) line++;
    return line;
  };
  const inserts: { at: number; text: string; order: number }[] = [];
  let loops = 0;
  let order = 0;
  let entryFound = false;
  for (const m of code.matchAll(/\bfn\s+([A-Za-z_]\w*)\s*\(/g)) {
    const paramsOpen = m.index! + m[0].length - 1;
    const paramsClose = matching(code, paramsOpen);
    if (paramsClose < 0) continue;
    const open = nextBrace(code, paramsClose + 1);
    if (open < 0) continue;
    const close = matching(code, open);
    if (close < 0) continue;
    const body = code.slice(open, close + 1);
    const isEntry = m[1] === entry;
    const local = BARRIER_LIKE.test(body);
    const counter = local ? 'kl_local_iterations' : 'kl_iterations';
    let fnLoops = 0;
    const ownCounters: string[] = [];
    for (const l of body.matchAll(/\b(for|while|loop)\b/g)) {
      const at = open + l.index!;
      let brace: number;
      if (l[1] === 'for') {
        const paren = code.indexOf('(', at);
        const end = paren < 0 ? -1 : matching(code, paren);
        brace = end < 0 ? -1 : nextBrace(code, end + 1);
      } else brace = nextBrace(code, at + l[1].length);
      if (brace < 0 || brace > close) continue;
      fnLoops++;
      const trip = `atomicMax(&${GUARD_BUFFER}[0], ${lineAt(at)}u); atomicMax(&${GUARD_BUFFER}[2], ${0xffffffff - lineAt(at)}u); break;`;
      if (local) {
        // Its own counter: one shared with an earlier loop of data-dependent length would make
        // this loop's break non-uniform, and a barrier in it then fails to compile. The function
        // counter still adds up the total for the report.
        const own = `kl_loop_${loops + fnLoops}`;
        ownCounters.push(own);
        inserts.push({ at: brace + 1, order: order++, text: ` ${counter} += 1u; ${own} += 1u; if (${own} > KL_LOOP_CAP) { ${trip} }` });
      } else {
        inserts.push({ at: brace + 1, order: order++, text: ` ${counter} += 1u; if (${counter} > KL_LOOP_CAP) { ${trip} }` });
      }
    }
    loops += fnLoops;
    if (local && (fnLoops > 0 || isEntry))
      inserts.push({ at: open + 1, order: -1, text: ` var kl_local_iterations = 0u;${ownCounters.map((c) => ` var ${c} = 0u;`).join('')}` });
    if (isEntry) {
      entryFound = true;
      const total = local ? 'kl_iterations + kl_local_iterations' : 'kl_iterations';
      const record = `atomicMax(&${GUARD_BUFFER}[1], ${total});`;
      for (const r of body.matchAll(/\breturn\b/g)) {
        const at = open + r.index!;
        const semi = code.indexOf(';', at);
        if (semi < 0 || semi > close) continue;
        inserts.push({ at, order: order++, text: `{ ${record} ` });
        inserts.push({ at: semi + 1, order: order++, text: ' }' });
      }
      inserts.push({ at: close, order: order++, text: ` ${record} ` });
    }
  }
  if (!entryFound) return { wgsl: src, loops: 0, applied: false };
  // Later positions first, so earlier indices stay valid; at one position, in the order made.
  inserts.sort((a, b) => b.at - a.at || b.order - a.order);
  let out = src;
  for (const ins of inserts) out = out.slice(0, ins.at) + ins.text + out.slice(ins.at);
  out +=
    `\n// Loop guard (Kernel Lab): ends every loop after ${cap} iterations per invocation.\n` +
    `@group(0) @binding(${options.binding}) var<storage, read_write> ${GUARD_BUFFER} : array<atomic<u32>, 3>;\n` +
    `var<private> kl_iterations : u32;\n` +
    `const KL_LOOP_CAP = ${cap}u;\n`;
  return { wgsl: out, loops, applied: true };
}
