import { FAMILIES } from '../kernels/registry';
import { tileSweepLesson } from './tileSweep';
import { tilingLesson } from './tiling';
import type { Lesson } from './types';

/** All lessons whose kernel family is built in, in teaching order. */
export const LESSONS: Lesson[] = [tilingLesson, tileSweepLesson].filter((l) => FAMILIES.some((f) => f.id === l.family));

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
}
