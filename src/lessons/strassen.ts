import type { Lesson } from './types';

export const strassenLesson: Lesson = {
  id: 'strassen',
  title: 'Strassen: fewer multiplications, more error',
  family: 'structured',
  summary: 'Seven half-size products instead of eight per level; a worst-case error that triples with each level; checksums that catch a flipped bit.',
  steps: [
    {
      title: 'One level of Strassen',
      body: [
        'Split A and B into 2×2 blocks. Strassen’s seven products M1 … M7 of block sums, recombined with 18 block additions, give C with 7 block multiplications instead of 8. Each product runs on the matmul lab’s register-blocked kernel.',
        'The additions are the price: the operands of each product are sums of two blocks, and C’s blocks are sums of up to four products, so rounding errors are larger. The bound derived for this order of additions is f₁(K)·u·‖A‖‖B‖ with f₁ ≈ 3K², against K² for the conventional product.',
      ],
      experiment: '#v=1&f=structured&k=strassen&M=128&N=128&K=128&levels=1&seed=1&reps=3',
      lookFor:
        'The picture of the seven products, and the error-by-level chart: the bound (dashed) and a float32 emulation for 0–3 levels, this GPU run at 1 level.',
      tryNext: 'Set the levels to 2: 49 products of 32×32 blocks.',
    },
    {
      title: 'The error grows by level',
      body: ['A sweep over the number of levels (0 is the conventional kernel alone) runs each on this GPU against float64.'],
      experiment: '#v=1&f=structured&k=strassen&M=128&N=128&K=128&levels=1&seed=1&reps=3&sw=levels:0,1,2',
      lookFor:
        'The maximum error rises with each level — on random inputs by far less than the bound’s factor of 3 (rounding errors partly cancel) — and every result stays inside its own, larger bound.',
      tryNext: 'Press “Measure against dense” with M varied: on a GPU the extra additions and dispatches often cost more than the saved multiplication.',
    },
    {
      title: 'A flipped bit, caught',
      body: [
        'Soft errors flip bits. Here each of the seven products M = S·T is checked against checksums formed from its operands (algorithm-based fault tolerance): its row sums must equal S·(T·e) and its column sums (eᵀS)·T, within a rounding tolerance derived from the arithmetic. After the products, bit 26 of one element of M3 is flipped on the GPU.',
        'One bad row and one bad column locate the element; it is rebuilt from its row’s checksum before the merge.',
      ],
      experiment: '#v=1&f=structured&k=strassen-abft&M=128&N=128&K=128&fault=bitflip&product=3&row=5&col=7&bit=26&seed=1&reps=3',
      lookFor:
        'The verdict table: M3 corrected at [5][7], every other product clean, and C within its bound. The overhead line: about 7/h more flops for blocks of h.',
      tryNext: 'Press “Measure against dense”: its baseline is plain Strassen, so the ratio is the cost of the checks.',
    },
    {
      title: 'A flip below the noise',
      body: ['Bit 8 is a low mantissa bit: the flip changes the element by about 2⁻¹⁵ of its size, well within the products’ own rounding noise.'],
      experiment: '#v=1&f=structured&k=strassen-abft&M=128&N=128&K=128&fault=bitflip&product=3&row=5&col=7&bit=8&seed=1&reps=3',
      lookFor:
        'The detector need not see it (the panel says detection is not certain); C is still within its bound plus the tiny change — such a fault is indistinguishable from rounding.',
      tryNext: 'Try the sign bit (31): the element changes by twice its size and is always caught.',
    },
  ],
};
