// MXFP4 weights (OCP MX: E2M1 elements, one E8M0 scale per block of 32 along K), f32 activations.
// Element codes are packed 8 per u32 (element 0 in the low nibble), E8M0 scale bytes 4 per u32
// (block 4i+b in byte b of word i). Decoding: a 16-entry E2M1 table times 2^(E − 127), where the
// power of two is built from its bits (exact; WGSL's exp2 is not).
import { readOnly } from '../../gpu/bindings';
import { decodeElement, quantize } from '../../numerics/formats';
import { packBytes } from '../../numerics/packing';
import { defineTableWeightGemm } from './tableWeights';

const BLOCK = 32;

export const E2M1_VALUES = Array.from({ length: 16 }, (_, c) => decodeElement('e2m1', c));

export const gemmMxfp4 = defineTableWeightGemm({
  id: 'gemm-mxfp4',
  label: 'Matmul, MXFP4 weights (E2M1 + E8M0 per 32)',
  summary: 'Y = X·Wᵀ with OCP MXFP4 weights: 4.25 bits per weight, decoded by table lookup and an exact power-of-two scale.',
  name: 'MXFP4',
  block: BLOCK,
  scaleBits: 8,
  tableName: 'E2M1',
  table: E2M1_VALUES,
  comment: '// Y = X·Wᵀ with MXFP4 weights: E2M1 codes 8 per u32, E8M0 block scales 4 per u32.',
  helpers: `
// 2^(code − 127) from its bits: exponent field = code. Code 0 is the subnormal 2^-127
// (0x00400000) and code 255 is NaN (0x7fc00000): both get the top mantissa bit.
fn e8m0_value(code : u32) -> f32 {
  let edge = code == 0u || code == 255u;
  return bitcast<f32>((code << 23u) | select(0u, 0x400000u, edge));
}`,
  scale: readOnly('scale_bytes', 'array<u32>', `N×K/${BLOCK} E8M0 codes, 4 per word`, 'scales'),
  scaleWgsl: 'let s = e8m0_value((scale_bytes[block / 4u] >> (8u * (block % 4u))) & 0xffu);',
  quantize: (w) => {
    const q = quantize(w, { format: 'mxfp4' });
    const scaleCodes = q.scaleCodes!;
    // 2^(E − 127) is exact in float32 for every code the finite weights get (0…254).
    return { codes: q.codes, scaleData: packBytes(scaleCodes, scaleCodes.length), scaleValues: Float32Array.from(scaleCodes, (e) => 2 ** (e - 127)) };
  },
});
