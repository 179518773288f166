// The exercise judge's messages between the page and the lab worker (re-exported by protocol.ts,
// which the page imports). Plain data only.
import type { AdapterDescription } from '../gpu/types';
import type { Verdict } from '../exercises/types';

export interface JudgeRequest {
  exercise: string;
  /** The student's whole shader. */
  source: string;
  /** Also time the speed goal (when the exercise has one and everything passed). */
  speed: boolean;
}

/** The largest shader the judge accepts (characters). */
export const MAX_JUDGE_SOURCE = 64_000;

export type JudgeToWorker = { type: 'judge'; id: number; request: JudgeRequest };

export type JudgeFromWorker = {
  type: 'judge-result';
  id: number;
  verdict: Verdict;
  /** The adapter that judged it (null: none described). */
  adapter: AdapterDescription | null;
  /** The device's features the judge could have used (timestamps…), for the result's provenance. */
  features: string[];
};
