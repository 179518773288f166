// What the scans that give each channel one workgroup share (Hillis–Steele, Blelloch, subgroup):
// the workgroup walks its channel in tiles, carrying the combine of everything before the tile.
// Their schema, configuration and plan are the same; only the WGSL generator, the workgroup
// memory and the right-operand depth differ.
import type { Inputs } from '../define';
import { paramSchema, type Decoded } from '../params';
import type { DeviceCaps, GpuPlan } from '../types';
import { SCAN_SHAPE, WG_FIELD, scanLimitChecks, scanShape, singleDispatchScanPlan, type LinearScanConfig } from './common';

export const WORKGROUP_SCAN_SCHEMA = paramSchema({ ...SCAN_SHAPE, wg: WG_FIELD });

export type WorkgroupScanValues = Decoded<typeof WORKGROUP_SCAN_SCHEMA.fields>;

export interface WorkgroupScanConfig extends LinearScanConfig {
  /** Invocations per workgroup. */
  wg: number;
}

export function workgroupScanConfig(v: WorkgroupScanValues, rightDepth: number): WorkgroupScanConfig {
  return { ...scanShape(v), wg: v.wg, rightDepth };
}

/** Limits of one workgroup of cfg.wg invocations per channel using `sharedBytes` of workgroup memory. */
export function workgroupScanLimits(cfg: WorkgroupScanConfig, caps: DeviceCaps, sharedBytes: number): string[] {
  return scanLimitChecks(cfg, caps, cfg.wg, sharedBytes, [cfg.channels]);
}

/** One dispatch of the generated shader `wgsl`, one workgroup per channel. */
export function workgroupScanPlan(cfg: WorkgroupScanConfig, inputs: Inputs, name: string, wgsl: string): GpuPlan {
  return singleDispatchScanPlan(cfg, inputs, { label: `scan ${name} wg${cfg.wg}`, wgsl, workgroups: [cfg.channels] });
}
