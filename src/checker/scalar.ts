// Scalar arithmetic as WGSL defines it, on doubles: rounding to each type, conversions, the type
// two operands unify to, and the binary operators lane by lane. Shared by the interpreter and
// its numeric builtins.
import { roundF16 } from '../numerics/f16';
import { isAbstract, isFloat, type ScalarKind } from './types';

export function roundTo(s: ScalarKind, x: number): number {
  switch (s) {
    case 'f32':
      return Math.fround(x);
    case 'f16':
      return roundF16(x);
    case 'u32':
      return x >>> 0;
    case 'i32':
      return x | 0;
    case 'bool':
      return x ? 1 : 0;
    default:
      return x;
  }
}

/** WGSL value conversion of one scalar (spec §15.x: float→int saturates, int↔int reinterprets). */
export function convertScalar(x: number, from: ScalarKind, to: ScalarKind): number {
  if (from === to) return x;
  switch (to) {
    case 'f32':
      return Math.fround(x);
    case 'f16':
      return roundF16(x);
    case 'afloat':
    case 'aint':
      return x;
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'u32':
      if (isFloat(from)) return Number.isNaN(x) ? 0 : Math.min(4294967295, Math.max(0, Math.trunc(x)));
      return x >>> 0;
    case 'i32':
      if (isFloat(from)) return Number.isNaN(x) ? 0 : Math.min(2147483647, Math.max(-2147483648, Math.trunc(x)));
      return x | 0;
  }
}

export function unify(a: ScalarKind, b: ScalarKind): ScalarKind {
  if (a === b) return a;
  if (isAbstract(a) && !isAbstract(b)) return b;
  if (isAbstract(b) && !isAbstract(a)) return a;
  if (isAbstract(a) && isAbstract(b)) return 'afloat';
  return a; // a type error the compiler reports; keep going with the left type
}

export function scalarBinop(op: string, s: ScalarKind, x: Float64Array, y: Float64Array, L: number): { d: Float64Array; s: ScalarKind } {
  const d = new Float64Array(L);
  // Comparisons inline (no closure per call: this is the hottest function of the interpreter).
  switch (op) {
    case '==':
      for (let i = 0; i < L; i++) d[i] = x[i] === y[i] ? 1 : 0;
      return { d, s: 'bool' };
    case '!=':
      for (let i = 0; i < L; i++) d[i] = x[i] !== y[i] ? 1 : 0;
      return { d, s: 'bool' };
    case '<':
      for (let i = 0; i < L; i++) d[i] = x[i] < y[i] ? 1 : 0;
      return { d, s: 'bool' };
    case '<=':
      for (let i = 0; i < L; i++) d[i] = x[i] <= y[i] ? 1 : 0;
      return { d, s: 'bool' };
    case '>':
      for (let i = 0; i < L; i++) d[i] = x[i] > y[i] ? 1 : 0;
      return { d, s: 'bool' };
    case '>=':
      for (let i = 0; i < L; i++) d[i] = x[i] >= y[i] ? 1 : 0;
      return { d, s: 'bool' };
  }
  const int = s === 'u32' || s === 'i32';
  switch (op) {
    case '+':
      for (let i = 0; i < L; i++) d[i] = x[i] + y[i];
      break;
    case '-':
      for (let i = 0; i < L; i++) d[i] = x[i] - y[i];
      break;
    case '*':
      if (int) for (let i = 0; i < L; i++) d[i] = Math.imul(x[i], y[i]);
      else for (let i = 0; i < L; i++) d[i] = x[i] * y[i];
      break;
    case '/':
      if (int || s === 'aint') {
        // Integer division by zero gives the dividend (WGSL), as does i32 min / −1.
        for (let i = 0; i < L; i++) d[i] = y[i] === 0 || (s === 'i32' && x[i] === -2147483648 && y[i] === -1) ? x[i] : Math.trunc(x[i] / y[i]);
      } else for (let i = 0; i < L; i++) d[i] = x[i] / y[i];
      break;
    case '%':
      if (int || s === 'aint') for (let i = 0; i < L; i++) d[i] = y[i] === 0 || (s === 'i32' && x[i] === -2147483648 && y[i] === -1) ? 0 : x[i] % y[i];
      else for (let i = 0; i < L; i++) d[i] = x[i] - y[i] * Math.trunc(x[i] / y[i]);
      break;
    case '&':
      for (let i = 0; i < L; i++) d[i] = x[i] & y[i];
      break;
    case '|':
      for (let i = 0; i < L; i++) d[i] = x[i] | y[i];
      break;
    case '^':
      for (let i = 0; i < L; i++) d[i] = x[i] ^ y[i];
      break;
    case '<<':
      if (s === 'aint') for (let i = 0; i < L; i++) d[i] = x[i] * 2 ** y[i];
      else for (let i = 0; i < L; i++) d[i] = x[i] << (y[i] & 31);
      break;
    case '>>':
      if (s === 'u32') for (let i = 0; i < L; i++) d[i] = x[i] >>> (y[i] & 31);
      else if (s === 'aint') for (let i = 0; i < L; i++) d[i] = Math.floor(x[i] / 2 ** y[i]);
      else for (let i = 0; i < L; i++) d[i] = x[i] >> (y[i] & 31);
      break;
    default:
      throw new Error(`operator ${op}`);
  }
  if (s === 'f32') for (let i = 0; i < L; i++) d[i] = Math.fround(d[i]);
  else if (s === 'u32') for (let i = 0; i < L; i++) d[i] = d[i] >>> 0;
  else if (s === 'i32') for (let i = 0; i < L; i++) d[i] = d[i] | 0;
  else if (s !== 'aint' && s !== 'afloat') for (let i = 0; i < L; i++) d[i] = roundTo(s, d[i]);
  return { d, s };
}
