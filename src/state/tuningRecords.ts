// What the matmul lab remembers per adapter: tuned configurations and measured roofs.
import type { RegBlockConfig } from '../kernels/matmul/regblock';

export interface TunedRecord {
  adapter: string;
  shape: { M: number; N: number; K: number };
  config: RegBlockConfig;
  gflops: number;
  speedupOverDefault: number | null;
  withinFivePercentOfSweep: boolean | null;
  date: string;
}

export interface RoofsRecord {
  adapter: string;
  peakGflops: number;
  bandwidthGBs: number;
  barrierSeconds?: number;
  date: string;
}

