// plotly.js, loaded only when a chart is first drawn so the first paint stays light, and only the
// cartesian partial bundle (scatter, bar, heatmap, histogram: the trace types the app draws; no
// WebGL traces, so nothing that needs `eval` under the Content-Security-Policy).
//
// Every chart goes through the wrapped `react`/`newPlot` below, which fixes what no chart may
// get wrong: the modebar offers download, zoom, pan and reset only (never plotly's "send to
// cloud" upload), axis titles make room for their tick labels, log axes are labelled at decades
// (as powers of ten), hovers carry four significant digits at most, a chart with two y
// axes says in its legend which trace reads on which, and in presenter mode every chart's type is
// large (setChartScale).
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
  relayout(root: HTMLElement, update: object): Promise<unknown>;
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

// Charts drawn and not yet purged. A responsive chart (SAFE_CONFIG) has a window 'resize'
// listener that holds its root, so a chart whose component unmounted without Plotly.purge kept its
// whole detached subtree (and plotly's copy of its data) alive: the soak saw the page heap grow by
// about 50 KB per run, History cleared. Each draw first purges the charts no longer in the document.
const drawnRoots = new Set<HTMLElement>();

function purgeRemovedCharts(plotly: typeof PlotlyType) {
  for (const root of drawnRoots) {
    if (root.isConnected) continue;
    drawnRoots.delete(root);
    try {
      plotly.purge(root);
    } catch {
      // a chart that never finished drawing: nothing of it to release
    }
  }
}

/** Base font size of every chart: 12 px, or larger in presenter mode (setChartScale). */
let baseFont = 12;

/** Presenter mode: type readable from the back of a room, on charts drawn from now on and on those already drawn. */
export function setChartScale(large: boolean) {
  const next = large ? 18 : 12;
  if (next === baseFont) return;
  baseFont = next;
  if (!pending || typeof document === 'undefined') return;
  void pending.then((plotly) => {
    for (const root of document.querySelectorAll<HTMLElement>('.js-plotly-plot')) void plotly.relayout(root, { 'font.size': baseFont });
  });
}

export function chartFontSize(): number {
  return baseFont;
}

/** Axis defaults: room for the ticks beside the title, decades on log axes, sensible precision. */
export function withAxisDefaults(layout: Layout | undefined): Layout {
  const out: Record<string, unknown> = { ...(layout ?? {}) };
  const font = (out.font as Record<string, unknown> | undefined) ?? {};
  out.font = { ...font, size: Math.max(Number(font.size ?? 0), baseFont) };
  for (const [key, axis] of Object.entries(out)) {
    if (!/^[xy]axis\d*$/.test(key) || !axis || typeof axis !== 'object') continue;
    const a: Record<string, unknown> = { automargin: true, hoverformat: '.4~g', ...(axis as Record<string, unknown>) };
    if (a.type === 'log') {
      if (a.dtick === undefined && a.tickvals === undefined) a.dtick = 1;
      if (a.exponentformat === undefined) a.exponentformat = 'power';
    }
    const title = a.title;
    if (title && typeof title === 'object') a.title = { standoff: 10, ...(title as object) };
    else if (typeof title === 'string') a.title = { text: title, standoff: 10 };
    out[key] = a;
  }
  return out as Layout;
}

/**
 * On a chart with a second y axis, each trace's legend entry says which axis it reads on (and
 * the legend is shown), so no one reads a Frobenius error off the SQNR scale.
 */
export function withAxisNames(data: object[], layout: Layout): { data: object[]; layout: Layout } {
  const l = layout as Record<string, unknown>;
  if (!l.yaxis2) return { data, layout };
  const side = (axis: unknown) => ((axis as { side?: string } | undefined)?.side === 'right' ? 'right axis' : 'left axis');
  const named = data.map((trace) => {
    const t = trace as { name?: string; yaxis?: string };
    const axis = t.yaxis === 'y2' ? side(l.yaxis2) : side(l.yaxis);
    if (!t.name || /axis\)?$/.test(t.name)) return trace;
    return { ...trace, name: `${t.name} (${axis})` };
  });
  return { data: named, layout: { ...layout, showlegend: true } };
}

let pending: Promise<PlotlyModule> | null = null;

export function loadPlotly(): Promise<PlotlyModule> {
  pending ??= import('plotly.js-cartesian-dist-min').then((m) => {
    const plotly = (m as { default?: typeof PlotlyType }).default ?? (m as unknown as typeof PlotlyType);
    const wrap =
      (draw: (typeof PlotlyType)['react']): PlotlyModule['react'] =>
      (root, data, layout, config) => {
        purgeRemovedCharts(plotly);
        drawnRoots.add(root);
        const named = withAxisNames(data, withAxisDefaults(layout));
        return draw(root, named.data as PlotlyType.Data[], named.layout, { ...(config ?? {}), ...SAFE_CONFIG });
      };
    return {
      react: wrap(plotly.react),
      newPlot: wrap(plotly.newPlot),
      relayout: (root, update) => plotly.relayout(root, update as Partial<PlotlyType.Layout>),
      downloadImage: plotly.downloadImage,
      purge: plotly.purge,
    };
  });
  return pending;
}

/** Colour-blind-safe categorical palette (Okabe & Ito, 2008). */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
