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
import type { Lesson } from './types';

/** All lessons whose kernel family is built in, in teaching order. */
export const LESSONS: Lesson[] = [
  tilingLesson,
  tileSweepLesson,
  rooflineLesson,
  formatsLesson,
  sparsityLesson,
  scansLesson,
  convMemoryLesson,
  longConvLesson,
  monarchLesson,
  strassenLesson,
  sketchingLesson,
  newtonSchulzLesson,
].filter((l) =>
  FAMILIES.some((f) => f.id === l.family),
);

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
