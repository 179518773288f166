// WGSL's numeric builtins (component-wise over vectors): math, integer bit operations, packing,
// dot products. Each returns a new per-lane value; null for a name that is not one of them.
import { f16Bits, f16Value } from '../numerics/f16';
import { convertScalar, roundTo, unify } from './scalar';
import { T, type ScalarKind, type Val } from './types';

function lanesMap(args: Val[], L: number, f: (xs: number[], s: ScalarKind) => number, outKind?: ScalarKind): Val {
  // Component-wise over vectors, with abstract arguments unified to the concrete one.
  const vec = args.find((a) => a.p);
  if (vec) {
    const n = vec.p!.length;
    const parts: Val[] = [];
    for (let i = 0; i < n; i++)
      parts.push(
        lanesMap(
          args.map((a) => (a.p ? a.p[i] : a)),
          L,
          f,
          outKind,
        ),
      );
    return { t: { k: 'vec', n, s: (parts[0].t as { s: ScalarKind }).s }, p: parts };
  }
  const s = args.map((a) => (a.t as { s: ScalarKind }).s).reduce((x, y) => unify(x, y));
  const xs = args.map((a) => {
    const from = (a.t as { s: ScalarKind }).s;
    if (from === s) return a.d!;
    const d = new Float64Array(L);
    for (let l = 0; l < L; l++) d[l] = convertScalar(a.d![l], from, s);
    return d;
  });
  const out = outKind ?? s;
  const d = new Float64Array(L);
  if (xs.length <= 3) {
    // One to three arguments (nearly every call): no per-lane argument array.
    const [x, y, z] = xs;
    const buf3 = xs.length === 1 ? [0] : xs.length === 2 ? [0, 0] : [0, 0, 0];
    for (let l = 0; l < L; l++) {
      buf3[0] = x[l];
      if (y) buf3[1] = y[l];
      if (z) buf3[2] = z[l];
      d[l] = f(buf3, s);
    }
    if (out === 'f32') for (let l = 0; l < L; l++) d[l] = Math.fround(d[l]);
    else if (out !== 'aint' && out !== 'afloat') for (let l = 0; l < L; l++) d[l] = roundTo(out, d[l]);
    return { t: T[out], d };
  }
  const buf: number[] = new Array(xs.length);
  for (let l = 0; l < L; l++) {
    for (let j = 0; j < xs.length; j++) buf[j] = xs[j][l];
    d[l] = roundTo(out, f(buf, s));
  }
  return { t: T[out], d };
}

function clz32(x: number): number {
  return Math.clz32(x >>> 0);
}

export function builtinMath(name: string, args: Val[], L: number): Val | null {
  const m1 = (f: (x: number, s: ScalarKind) => number, out?: ScalarKind) => lanesMap(args, L, (xs, s) => f(xs[0], s), out);
  switch (name) {
    case 'abs':
      return m1((x, s) => (s === 'i32' ? Math.abs(x) | 0 : Math.abs(x)));
    case 'min':
      return lanesMap(args, L, (xs) => Math.min(xs[0], xs[1]));
    case 'max':
      return lanesMap(args, L, (xs) => Math.max(xs[0], xs[1]));
    case 'clamp':
      return lanesMap(args, L, (xs) => Math.min(Math.max(xs[0], xs[1]), xs[2]));
    case 'select': {
      const [f, t, c] = args;
      const pick = (a: Val, b: Val, cond: Val): Val => {
        if (a.p || b.p) {
          const n = (a.p ?? b.p)!.length;
          const parts = Array.from({ length: n }, (_, i) => pick(a.p ? a.p[i] : a, b.p ? b.p[i] : b, cond.p ? cond.p[i] : cond));
          return { t: { k: 'vec', n, s: (parts[0].t as { s: ScalarKind }).s }, p: parts };
        }
        const r = lanesMap([a, b], L, (xs) => xs[0]);
        const s = (r.t as { s: ScalarKind }).s;
        const d = new Float64Array(L);
        for (let l = 0; l < L; l++)
          d[l] = cond.d![l] ? convertScalar(b.d![l], (b.t as { s: ScalarKind }).s, s) : convertScalar(a.d![l], (a.t as { s: ScalarKind }).s, s);
        return { t: T[s], d };
      };
      return pick(f, t, c);
    }
    case 'fma':
      return lanesMap(args, L, (xs) => xs[0] * xs[1] + xs[2]);
    case 'mix':
      return lanesMap(args, L, (xs) => xs[0] * (1 - xs[2]) + xs[1] * xs[2]);
    case 'step':
      return lanesMap(args, L, (xs) => (xs[1] >= xs[0] ? 1 : 0));
    case 'smoothstep':
      return lanesMap(args, L, (xs) => {
        const t = Math.min(Math.max((xs[2] - xs[0]) / (xs[1] - xs[0]), 0), 1);
        return t * t * (3 - 2 * t);
      });
    case 'saturate':
      return m1((x) => Math.min(Math.max(x, 0), 1));
    case 'sign':
      return m1((x) => Math.sign(x));
    case 'floor':
      return m1(Math.floor);
    case 'ceil':
      return m1(Math.ceil);
    case 'trunc':
      return m1(Math.trunc);
    case 'round':
      return m1((x) => {
        const r = Math.round(x);
        return Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r;
      });
    case 'fract':
      return m1((x) => x - Math.floor(x));
    case 'sqrt':
      return m1(Math.sqrt);
    case 'inverseSqrt':
      return m1((x) => 1 / Math.sqrt(x));
    case 'exp':
      return m1(Math.exp);
    case 'exp2':
      return m1((x) => 2 ** x);
    case 'log':
      return m1(Math.log);
    case 'log2':
      return m1(Math.log2);
    case 'pow':
      return lanesMap(args, L, (xs) => xs[0] ** xs[1]);
    case 'sin':
      return m1(Math.sin);
    case 'cos':
      return m1(Math.cos);
    case 'tan':
      return m1(Math.tan);
    case 'asin':
      return m1(Math.asin);
    case 'acos':
      return m1(Math.acos);
    case 'atan':
      return m1(Math.atan);
    case 'atan2':
      return lanesMap(args, L, (xs) => Math.atan2(xs[0], xs[1]));
    case 'sinh':
      return m1(Math.sinh);
    case 'cosh':
      return m1(Math.cosh);
    case 'tanh':
      return m1(Math.tanh);
    case 'degrees':
      return m1((x) => (x * 180) / Math.PI);
    case 'radians':
      return m1((x) => (x * Math.PI) / 180);
    case 'ldexp':
      return lanesMap(args, L, (xs) => xs[0] * 2 ** xs[1]);
    case 'countOneBits':
      return m1((x) => {
        let v = x >>> 0;
        let c = 0;
        while (v) {
          v &= v - 1;
          c++;
        }
        return c;
      });
    case 'countLeadingZeros':
      return m1(clz32);
    case 'countTrailingZeros':
      return m1((x) => (x >>> 0 === 0 ? 32 : 31 - clz32((x >>> 0) & -(x >>> 0))));
    case 'firstLeadingBit':
      return m1((x, s) => {
        const v = s === 'i32' && x < 0 ? ~x >>> 0 : x >>> 0;
        return v === 0 ? (s === 'i32' ? -1 : 4294967295) : 31 - clz32(v);
      });
    case 'firstTrailingBit':
      return m1((x, s) => (x >>> 0 === 0 ? (s === 'i32' ? -1 : 4294967295) : 31 - clz32((x >>> 0) & -(x >>> 0))));
    case 'reverseBits':
      return m1((x) => {
        let v = x >>> 0;
        let r = 0;
        for (let i = 0; i < 32; i++) {
          r = (r << 1) | (v & 1);
          v >>>= 1;
        }
        return r;
      });
    case 'extractBits':
      return lanesMap(args.slice(0, 1), L, (xs, s) => {
        const o = Math.min(args[1].d![0], 32);
        const c = Math.min(args[2].d![0], 32 - o);
        if (c === 0) return 0;
        const v = (xs[0] >>> o) & (c === 32 ? 0xffffffff : (1 << c) - 1);
        return s === 'i32' && c < 32 && v & (1 << (c - 1)) ? v - (1 << c) : v;
      });
    case 'insertBits': {
      const o = Math.min(args[2].d![0], 32);
      const c = Math.min(args[3].d![0], 32 - o);
      const maskBits = c === 32 ? 0xffffffff : ((1 << c) - 1) << o;
      return lanesMap(args.slice(0, 2), L, (xs) => (xs[0] & ~maskBits) | ((xs[1] << o) & maskBits));
    }
    case 'dot': {
      const [a, b] = args;
      let acc: Val | null = null;
      for (let i = 0; i < a.p!.length; i++) {
        const prod = lanesMap([a.p![i], b.p![i]], L, (xs, s) => (s === 'u32' || s === 'i32' ? Math.imul(xs[0], xs[1]) : xs[0] * xs[1]));
        acc = acc ? lanesMap([acc, prod], L, (xs) => xs[0] + xs[1]) : prod;
      }
      return acc;
    }
    case 'length':
      if (!args[0].p) return m1(Math.abs);
      return lanesMap(args[0].p, L, (xs) => Math.hypot(...xs));
    case 'all':
    case 'any': {
      if (!args[0].p) return args[0];
      return lanesMap(args[0].p, L, (xs) => ((name === 'all' ? xs.every(Boolean) : xs.some(Boolean)) ? 1 : 0), 'bool');
    }
    case 'dot4I8Packed':
    case 'dot4U8Packed':
      return lanesMap(
        args,
        L,
        (xs) => {
          let s = 0;
          for (let k = 0; k < 4; k++) {
            let x = (xs[0] >>> (8 * k)) & 0xff;
            let y = (xs[1] >>> (8 * k)) & 0xff;
            if (name === 'dot4I8Packed') {
              if (x > 127) x -= 256;
              if (y > 127) y -= 256;
            }
            s += x * y;
          }
          return s;
        },
        name === 'dot4I8Packed' ? 'i32' : 'u32',
      );
    case 'pack4xI8':
    case 'pack4xU8':
    case 'pack4xI8Clamp':
    case 'pack4xU8Clamp':
      return lanesMap(
        args[0].p!,
        L,
        (xs) => {
          let w = 0;
          for (let k = 0; k < 4; k++) {
            let x = xs[k];
            if (name === 'pack4xI8Clamp') x = Math.min(127, Math.max(-128, x));
            if (name === 'pack4xU8Clamp') x = Math.min(255, Math.max(0, x));
            w |= (x & 0xff) << (8 * k);
          }
          return w >>> 0;
        },
        'u32',
      );
    case 'unpack4xI8':
    case 'unpack4xU8': {
      const s: ScalarKind = name === 'unpack4xI8' ? 'i32' : 'u32';
      const parts = [0, 1, 2, 3].map((k) =>
        lanesMap(
          args,
          L,
          (xs) => {
            const b = (xs[0] >>> (8 * k)) & 0xff;
            return s === 'i32' && b > 127 ? b - 256 : b;
          },
          s,
        ),
      );
      return { t: { k: 'vec', n: 4, s }, p: parts };
    }
    case 'pack2x16float':
      return lanesMap(args[0].p!, L, (xs) => (f16Bits(xs[0]) | (f16Bits(xs[1]) << 16)) >>> 0, 'u32');
    case 'unpack2x16float': {
      const parts = [0, 1].map((k) => lanesMap(args, L, (xs) => f16Value((xs[0] >>> (16 * k)) & 0xffff), 'f32'));
      return { t: { k: 'vec', n: 2, s: 'f32' }, p: parts };
    }
    case 'pack4x8unorm':
    case 'pack4x8snorm':
      return lanesMap(
        args[0].p!,
        L,
        (xs) => {
          let w = 0;
          for (let k = 0; k < 4; k++) {
            const v =
              name === 'pack4x8unorm' ? Math.floor(0.5 + 255 * Math.min(1, Math.max(0, xs[k]))) : Math.floor(0.5 + 127 * Math.min(1, Math.max(-1, xs[k])));
            w |= (v & 0xff) << (8 * k);
          }
          return w >>> 0;
        },
        'u32',
      );
    case 'unpack4x8unorm':
    case 'unpack4x8snorm': {
      const parts = [0, 1, 2, 3].map((k) =>
        lanesMap(
          args,
          L,
          (xs) => {
            const b = (xs[0] >>> (8 * k)) & 0xff;
            return name === 'unpack4x8unorm' ? b / 255 : Math.max(-1, (b > 127 ? b - 256 : b) / 127);
          },
          'f32',
        ),
      );
      return { t: { k: 'vec', n: 4, s: 'f32' }, p: parts };
    }
    case 'pack2x16unorm':
    case 'pack2x16snorm':
      return lanesMap(
        args[0].p!,
        L,
        (xs) => {
          let w = 0;
          for (let k = 0; k < 2; k++) {
            const v =
              name === 'pack2x16unorm' ? Math.floor(0.5 + 65535 * Math.min(1, Math.max(0, xs[k]))) : Math.floor(0.5 + 32767 * Math.min(1, Math.max(-1, xs[k])));
            w |= (v & 0xffff) << (16 * k);
          }
          return w >>> 0;
        },
        'u32',
      );
    case 'unpack2x16unorm':
    case 'unpack2x16snorm': {
      const parts = [0, 1].map((k) =>
        lanesMap(
          args,
          L,
          (xs) => {
            const b = (xs[0] >>> (16 * k)) & 0xffff;
            return name === 'unpack2x16unorm' ? b / 65535 : Math.max(-1, (b > 32767 ? b - 65536 : b) / 32767);
          },
          'f32',
        ),
      );
      return { t: { k: 'vec', n: 2, s: 'f32' }, p: parts };
    }
  }
  return null;
}
