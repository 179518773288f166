// The contract between the generic app shell and a family's own lab panel
// (src/views/labs/<family>Lab.tsx, default export). The shell shows the picker, the parameter
// form, Run/Cancel, the results table, the sweep chart and the error heatmap for every family;
// a lab panel adds what is specific to its family (histograms, spy plots, dataflow diagrams…),
// drawing from the result's `extras` (filled by the variant's extras()) or from pure numerics.
import type { DeviceCaps, Experiment, ExperimentResult } from '../../kernels/types';
import type { SweepPoint } from '../../kernels/types';

export interface LabPanelProps {
  experiment: Experiment;
  /** The latest finished result of this family, if any. */
  result: ExperimentResult | null;
  /** Points of the current or last sweep, in order of arrival. */
  sweepPoints: SweepPoint[];
  /** Null when no WebGPU device is available (CPU reference only). */
  caps: DeviceCaps | null;
}
