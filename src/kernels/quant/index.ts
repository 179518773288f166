import type { BenchCase, FamilyDef } from '../types';
import { codec } from './codec';

export const quantFamily: FamilyDef = {
  id: 'quant',
  label: 'Quantization',
  summary: 'Number formats from int2 to FP8, MX and NF4: exact codecs on the GPU and quantized matmuls against float32.',
  variants: [codec],
  benchSuite() {
    const cases: BenchCase[] = [];
    return cases;
  },
};
