import { FAMILIES } from '../kernels/registry';
import { convMemoryLesson } from './convMemory';
import { formatsLesson } from './formats';
import { longConvLesson } from './longConv';
import { monarchLesson } from './monarch';
import { newtonSchulzLesson } from './newtonSchulz';
import { rooflineLesson } from './roofline';
import { scansLesson } from './scans';
import { sketchingLesson } from './sketching';
import { sparsityLesson } from './sparsity';
import { strassenLesson } from './strassen';
import { tileSweepLesson } from './tileSweep';
import { tilingLesson } from './tiling';
import { accumulationLesson } from './accumulation';
import { autotuningLesson } from './autotuning';
import { blockSparseLesson } from './blockSparse';
import { lookbackLesson } from './lookback';
import { memoryBoundGemvLesson } from './memoryBoundGemv';
import { mxFormatsLesson } from './mxFormats';
import { nf4Int4Lesson } from './nf4Int4';
import { registerBlockingLesson } from './registerBlocking';
import { s6ChunkedLesson } from './s6Chunked';
import { spatialMambaLesson } from './spatialMamba';
import { stochasticRoundingLesson } from './stochasticRounding';
import { twoFourLesson } from './twoFour';
import { w8a8Lesson } from './w8a8';
import type { Lesson } from './types';

/** All lessons whose kernel family is built in, in teaching order. */
export const LESSONS: Lesson[] = [
  // matrix multiplication
  tilingLesson,
  tileSweepLesson,
  registerBlockingLesson,
  autotuningLesson,
  rooflineLesson,
  memoryBoundGemvLesson,
  accumulationLesson,
  // quantization
  formatsLesson,
  mxFormatsLesson,
  nf4Int4Lesson,
  stochasticRoundingLesson,
  w8a8Lesson,
  // sparsity
  sparsityLesson,
  twoFourLesson,
  blockSparseLesson,
  // scans and state-space models
  scansLesson,
  s6ChunkedLesson,
  spatialMambaLesson,
  lookbackLesson,
  // convolution
  convMemoryLesson,
  longConvLesson,
  // structured matrices
  monarchLesson,
  strassenLesson,
  sketchingLesson,
  newtonSchulzLesson,
].filter((l) => FAMILIES.some((f) => f.id === l.family));

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
