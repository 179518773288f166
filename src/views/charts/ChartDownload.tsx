// "Download PNG / SVG" for a plotly chart (plotly renders both itself).
import { loadPlotly } from './plotly';

export function ChartDownload({ target, filename }: { target: React.RefObject<HTMLDivElement | null>; filename: string }) {
  const download = async (format: 'png' | 'svg') => {
    const Plotly = await loadPlotly();
    if (!target.current) return;
    await Plotly.downloadImage(target.current, { format, filename, width: 1200, height: 600 });
  };
  return (
    <div className="chart-download">
      <button type="button" className="small" onClick={() => void download('png')}>
        Download PNG
      </button>
      <button type="button" className="small" onClick={() => void download('svg')}>
        Download SVG
      </button>
    </div>
  );
}
