// Colours of the error heatmap, in their own chunk so d3's scales are not part of the first paint.
// Viridis is perceptually uniform and readable with colour-blindness; log scale because errors
// span orders of magnitude. Exact zeros are near-black, non-finite values magenta.
import * as d3 from 'd3';

export function errorColors(min: number, max: number): (v: number) => [number, number, number] {
  const color = d3.scaleSequentialLog(d3.interpolateViridis).domain([Math.max(min, 1e-30), Math.max(max, min * 10, 1e-29)]);
  return (v) => {
    const c = v === 0 ? d3.rgb('#1b1b1b') : Number.isFinite(v) ? d3.rgb(color(v)) : d3.rgb('#ff00ff');
    return [c.r, c.g, c.b];
  };
}
