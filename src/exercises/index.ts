// Every exercise, in teaching order (one file each; see types.ts for what a file holds).
import { blellochExercise } from './blelloch';
import { blockSumExercise } from './blockSum';
import { broadcastExercise } from './broadcast';
import { csrSpmvExercise } from './csrSpmv';
import { dotExercise } from './dot';
import { guardExercise } from './guard';
import { hillisSteeleExercise } from './hillisSteele';
import { int4GemvExercise } from './int4Gemv';
import { linearScanExercise } from './linearScan';
import { mapExercise } from './map';
import { microTileExercise } from './microTile';
import { naiveMatmulExercise } from './naiveMatmul';
import { tiledMatmulExercise } from './tiledMatmul';
import { transposeExercise } from './transpose';
import type { Exercise } from './types';
import { zipExercise } from './zip';

export const EXERCISES: Exercise[] = [
  mapExercise,
  zipExercise,
  guardExercise,
  broadcastExercise,
  transposeExercise,
  blockSumExercise,
  dotExercise,
  hillisSteeleExercise,
  blellochExercise,
  naiveMatmulExercise,
  tiledMatmulExercise,
  microTileExercise,
  int4GemvExercise,
  csrSpmvExercise,
  linearScanExercise,
];

export function findExercise(id: string): Exercise | undefined {
  return EXERCISES.find((e) => e.id === id);
}

export type * from './types';
