// plotly.js is large (≈1 MB gzip): load it only when a chart is first drawn, so the first paint
// stays light.
import type Plotly from 'plotly.js-dist-min';

type PlotlyModule = typeof Plotly;
let pending: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  pending ??= import('plotly.js-dist-min').then((m) => ((m as { default?: PlotlyModule }).default ?? (m as unknown as PlotlyModule)));
  return pending;
}

/** Colour-blind-safe categorical palette (Okabe & Ito, 2008). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
