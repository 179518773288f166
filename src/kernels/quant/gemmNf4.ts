// NF4 weights (bitsandbytes NormalFloat-4: 16 fixed values, absmax per block of 64 along K), f32
// activations. Codes are packed 8 per u32, element 0 of each word in the low nibble (note:
// bitsandbytes itself packs the first element in the high nibble of a byte). Decoding is a
// 16-entry table lookup times the block's absmax, in registers.
import { readOnly } from '../../gpu/bindings';
import { NF4_VALUES_F32, quantize } from '../../numerics/formats';
import { defineTableWeightGemm } from './tableWeights';

const BLOCK = 64;

export const gemmNf4 = defineTableWeightGemm({
  id: 'gemm-nf4',
  label: 'Matmul, NF4 weights (table lookup)',
  summary: 'Y = X·Wᵀ with NF4 weights (block 64 absmax): each nibble indexes the 16 NormalFloat values, scaled in registers.',
  name: 'NF4',
  block: BLOCK,
  scaleBits: 32,
  tableName: 'NF4',
  table: NF4_VALUES_F32,
  comment: `// Y = X·Wᵀ with NF4 weights: 8 codes per u32 (element 8w+j in bits 4j..4j+3), absmax per ${BLOCK}.`,
  scale: readOnly('absmax', 'array<f32>', `N×K/${BLOCK} block scales`),
  scaleWgsl: 'let s = absmax[block];',
  quantize: (w) => {
    const q = quantize(w, { format: 'nf4', blockSize: BLOCK });
    return { codes: q.codes, scaleData: q.scales!, scaleValues: q.scales! };
  },
});
