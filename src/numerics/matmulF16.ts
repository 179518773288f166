// The matmul lab's names for the one f16 codec (src/numerics/f16.ts): round to nearest, ties to
// even, gradual underflow, overflow to ±Inf.
export { F16_MAX, F16_UNIT_ROUNDOFF, f16Bits as f32ToF16Bits, f16Value as f16BitsToNumber, roundF16 as roundToF16, packF16, unpackF16 } from './f16';
