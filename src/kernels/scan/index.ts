import type { BenchCase, FamilyDef } from '../types';
import { blelloch } from './blelloch';
import { copy } from './copy';
import { hillisSteele } from './hillisSteele';
import { lookback } from './lookback';
import { reduceThenScan } from './reduceThenScan';
import { s6Chunked } from './s6Chunked';
import { s6Sequential } from './s6Sequential';
import { sequential } from './sequential';
import { subgroup } from './subgroup';

export const LINEAR_SCAN_VARIANTS = [sequential, hillisSteele, blelloch, subgroup, reduceThenScan, lookback, copy];

export const scanFamily: FamilyDef = {
  id: 'scan',
  label: 'Scans and state-space models',
  summary: 'The linear recurrence h_t = a_t·h_{t−1} + b_t as parallel scans, and the Mamba selective scan, checked against float64.',
  variants: [...LINEAR_SCAN_VARIANTS, s6Sequential, s6Chunked],
  benchSuite() {
    const cases: BenchCase[] = [];
    return cases;
  },
};
