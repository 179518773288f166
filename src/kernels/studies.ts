// Every study the worker can run (see study.ts), by id. A new study is one defineStudy in its
// family's folder plus one line here (and its types in StudyTypes).
import { convSeriesStudy } from './conv/studies';
import { accumulationStudy, roofsStudy, tunerStudy } from './matmul/studies';
import { compareStudy } from './structured/studies';
import type { StudyDef, StudyId } from './study';

export const STUDIES: { [I in StudyId]: StudyDef<I> } = {
  'matmul-tune': tunerStudy,
  'matmul-roofs': roofsStudy,
  'matmul-accumulation': accumulationStudy,
  'conv-series': convSeriesStudy,
  'structured-compare': compareStudy,
};

export function findStudy(id: string): StudyDef<StudyId> | undefined {
  return Object.hasOwn(STUDIES, id) ? (STUDIES[id as StudyId] as StudyDef<StudyId>) : undefined;
}
