// plotly.js, loaded only when a chart is first drawn so the first paint stays light, and only the
// cartesian partial bundle (scatter, bar, heatmap, histogram: the trace types the app draws; no
// WebGL traces, so nothing that needs `eval` under the Content-Security-Policy).
//
// Every chart goes through the wrapped `react`/`newPlot` below, which fixes what no chart may
// get wrong: the modebar offers download, zoom, pan and reset only (never plotly's "send to
// cloud" upload), axis titles make room for their tick labels, and log axes are labelled at
// decades.
import type PlotlyType from 'plotly.js-dist-min';

type Layout = Partial<PlotlyType.Layout>;
type Config = Partial<PlotlyType.Config>;

/**
 * The part of plotly the app uses. Traces are plain objects: @types/plotly.js lags plotly 4
 * (it lacks e.g. `nbinsx` and `zmid`), so trace objects are not checked against it.
 */
export interface PlotlyModule {
  react(root: HTMLElement, data: object[], layout?: Layout, config?: Config): Promise<unknown>;
  newPlot(root: HTMLElement, data: object[], layout?: Layout, config?: Config): Promise<unknown>;
  downloadImage: (typeof PlotlyType)['downloadImage'];
  purge: (typeof PlotlyType)['purge'];
}

/** The modebar buttons a chart may show: download and view controls, nothing that uploads. */
export const MODEBAR_BUTTONS = ['toImage', 'zoom2d', 'pan2d', 'zoomIn2d', 'zoomOut2d', 'autoScale2d', 'resetScale2d'] as const;

export const SAFE_CONFIG: Config = {
  responsive: true,
  displaylogo: false,
  showLink: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  modeBarButtons: [[...MODEBAR_BUTTONS]] as Config['modeBarButtons'],
};

/** Axis defaults: room for the ticks beside the title, decades on log axes. */
export function withAxisDefaults(layout: Layout | undefined): Layout {
  const out: Record<string, unknown> = { ...(layout ?? {}) };
  for (const [key, axis] of Object.entries(out)) {
    if (!/^[xy]axis\d*$/.test(key) || !axis || typeof axis !== 'object') continue;
    const a: Record<string, unknown> = { automargin: true, ...(axis as Record<string, unknown>) };
    if (a.type === 'log' && a.dtick === undefined && a.tickvals === undefined) a.dtick = 1;
    const title = a.title;
    if (title && typeof title === 'object') a.title = { standoff: 8, ...(title as object) };
    else if (typeof title === 'string') a.title = { text: title, standoff: 8 };
    out[key] = a;
  }
  return out as Layout;
}

let pending: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  pending ??= import('plotly.js-cartesian-dist-min').then((m) => {
    const plotly = (m as { default?: typeof PlotlyType }).default ?? (m as unknown as typeof PlotlyType);
    const wrap =
      (draw: (typeof PlotlyType)['react']): PlotlyModule['react'] =>
      (root, data, layout, config) =>
        draw(root, data as PlotlyType.Data[], withAxisDefaults(layout), { ...(config ?? {}), ...SAFE_CONFIG });
    return { react: wrap(plotly.react), newPlot: wrap(plotly.newPlot), downloadImage: plotly.downloadImage, purge: plotly.purge };
  });
  return pending;
}

/** Colour-blind-safe categorical palette (Okabe & Ito, 2008). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
