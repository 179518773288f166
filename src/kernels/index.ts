// The headless entry: the registry and runExperiment, usable in a page, in the worker and in
// Node with the `webgpu` package (Dawn).
export * from './types';
export * from './registry';
export * from './experiment';
export * from './schema';
export { runExperiment, runVariant, runExperimentCpu, runSweep, ConfigurationError, APP_VERSION } from './run';
export type { AssetLoader, ProgressInfo, ProgressPhase, RunOptions, SweepPoint } from './run';
export { CancelledError } from '../gpu/runner';
