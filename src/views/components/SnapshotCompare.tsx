// The sender's results (from the link) next to this device's run of the same experiment.
import { useEffect, useRef } from 'react';
import type { SnapshotPoint } from '../../state/snapshot';
import { useLab } from '../../state/store';
import { currentResultsSnapshot, dismissSnapshot } from '../../state/urlSync';
import { loadPlotly, OKABE_ITO } from '../charts/plotly';
import { fmtNumber, fmtSeconds, fmtSqnr } from '../format';

export function SnapshotCompare() {
  const snapshot = useLab((s) => s.snapshot);
  // Re-render when this device's results change.
  useLab((s) => s.result);
  useLab((s) => s.sweepPoints);
  const mine = snapshot ? currentResultsSnapshot() : null;
  const chart = useRef<HTMLDivElement>(null);
  const isSweep = Boolean(snapshot?.sweepParam && snapshot.points.length > 1);

  useEffect(() => {
    if (!snapshot || !isSweep) return;
    let live = true;
    loadPlotly().then((Plotly) => {
      if (!live || !chart.current) return;
      const trace = (points: SnapshotPoint[], name: string, color: string) => ({
        x: points.map((p) => p.x),
        y: points.map((p) => p.gflops),
        name,
        mode: 'lines+markers' as const,
        type: 'scatter' as const,
        marker: { color },
        line: { color },
      });
      const traces = [trace(snapshot.points, `Sender: ${snapshot.device}`, OKABE_ITO[1])];
      if (mine) traces.push(trace(mine.points, `You: ${mine.device}`, OKABE_ITO[0]));
      void Plotly.react(
        chart.current,
        traces,
        {
          margin: { l: 60, r: 10, t: 10, b: 50 },
          xaxis: { title: { text: snapshot.sweepParam ?? '' } },
          yaxis: { title: { text: 'GFLOP/s' }, rangemode: 'tozero' },
          height: 300,
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
        },
        { responsive: true, displaylogo: false },
      );
    });
    return () => {
      live = false;
    };
  }, [snapshot, mine, isSweep]);

  if (!snapshot) return null;
  const rows = snapshot.points.map((p, i) => ({ sender: p, me: mine?.points.find((m) => m.x === p.x) ?? (mine && !isSweep ? mine.points[i] : undefined) }));
  return (
    <section className="snapshot" aria-label="Sender's results beside yours" data-testid="snapshot-compare">
      <h2>Their device and yours</h2>
      <p>
        This link carries results measured on <strong data-testid="sender-device">{snapshot.device}</strong> ({snapshot.browser}, {snapshot.timing},{' '}
        {new Date(snapshot.date).toLocaleString()}).{' '}
        {mine ? 'Your run of the same experiment is beside them.' : 'Press Run to measure the same experiment on your device.'}
      </p>
      <div className="scroll">
        <table data-testid="snapshot-table">
          <thead>
            <tr>
              {isSweep && <th scope="col">{snapshot.sweepParam}</th>}
              <th scope="col">Their median</th>
              <th scope="col">Their GFLOP/s</th>
              <th scope="col">Their SQNR</th>
              <th scope="col">Your median</th>
              <th scope="col">Your GFLOP/s</th>
              <th scope="col">Your SQNR</th>
              <th scope="col">You / them</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ sender, me }, i) => (
              <tr key={i}>
                {isSweep && <td>{sender.x}</td>}
                <td>{fmtSeconds(sender.seconds)}</td>
                <td>{fmtNumber(sender.gflops, 4)}</td>
                <td>{fmtSqnr(sender.sqnrDb)}</td>
                <td>{me ? fmtSeconds(me.seconds) : '—'}</td>
                <td data-testid="my-gflops">{me ? fmtNumber(me.gflops, 4) : '—'}</td>
                <td>{me ? fmtSqnr(me.sqnrDb) : '—'}</td>
                <td>{me && sender.gflops > 0 ? `${fmtNumber(me.gflops / sender.gflops, 3)}×` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {isSweep && (
        <figure className="chart-figure" aria-label="Their and your GFLOP/s over the sweep (data in the table above)">
          <div ref={chart} className="chart" />
        </figure>
      )}
      <button type="button" onClick={dismissSnapshot}>
        Hide their results
      </button>
    </section>
  );
}
