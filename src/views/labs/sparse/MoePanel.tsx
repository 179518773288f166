// The mixture-of-experts part of the sparsity lab: how unevenly the tokens were routed, what
// padding every expert to the busiest one wastes, and the three layouts' times side by side.
// Everything comes from the variant's extras (kernels/sparse/extras.ts, kind 'moe').
import type { MoeExtras } from '../../../kernels/sparse/extras';
import type { Experiment } from '../../../kernels/types';
import { OKABE_ITO } from '../../charts/plotly';
import { fmtNumber } from '../../format';
import { StrategyTable, VariantNotes, type StrategyColumn } from './strategies';

function fmtBytes(bytes: number): string {
  if (bytes === 0) return '0';
  if (bytes < 1024 ** 2) return `${fmtNumber(bytes / 1024)} KiB`;
  return `${fmtNumber(bytes / 1024 ** 2)} MiB`;
}

type Layout = MoeExtras['layouts'][number];

export function MoePanel({ experiment, extras }: { experiment: Experiment; extras: MoeExtras | null }) {
  if (!extras) {
    return (
      <>
        <p className="muted">Run to see how the tokens were routed and what each layout wastes on that routing.</p>
        <VariantNotes experiment={experiment} />
      </>
    );
  }
  const pct = (x: number, of: number) => (of > 0 ? `${fmtNumber((100 * x) / of, 3)}%` : '—');
  const columns: StrategyColumn<Layout>[] = [
    { header: 'Rows multiplied', cell: (l) => l.rowsComputed },
    { header: 'Rows stored', cell: (l) => l.rowsStored },
    { header: 'Wasted flops (of useful)', cell: (l) => `${fmtNumber(l.wastedFlops)} (${pct(l.wastedFlops, extras.usefulFlops)})` },
    { header: 'Wasted bytes (of useful)', cell: (l) => `${fmtBytes(l.wastedBytes)} (${pct(l.wastedBytes, extras.usefulBytes)})` },
    { header: 'Dispatches', cell: (l) => l.dispatches },
  ];
  const proposed = extras.layouts[0]?.strategy ?? extras.strategy;
  return (
    <>
      <p data-testid="moe-routing">
        <strong>Routing:</strong> {extras.tokens} tokens to {extras.counts.length} experts: the busiest has {extras.capacity} (max/mean{' '}
        {fmtNumber(extras.maxOverMean)}),{' '}
        {extras.emptyExperts === 0 ? 'every expert has some' : `${extras.emptyExperts} ${extras.emptyExperts === 1 ? 'expert has' : 'experts have'} none`}.
        Padded to the busiest expert, the batch holds {extras.counts.length * extras.capacity} rows for {extras.tokens} tokens; the block-sparse layout stores
        exactly {extras.tokens} and wastes only the idle rows of each expert’s last {extras.tile}-row tile.
      </p>
      <div className="tables">
        <ExpertBars extras={extras} />
        <ExpertTable extras={extras} />
      </div>
      <StrategyTable
        caption={`Three layouts on this routing (useful work: ${fmtNumber(extras.usefulFlops)} flops, ${fmtBytes(extras.usefulBytes)})`}
        experiment={experiment}
        rows={extras.layouts}
        columns={columns}
        current={extras.strategy}
        reference={proposed}
        referenceName="block-sparse time"
        testId="moe-layouts"
      />
      <VariantNotes experiment={experiment} />
    </>
  );
}

/** Tokens per expert as bars, with the padding up to the busiest expert drawn above each. */
function ExpertBars({ extras }: { extras: MoeExtras }) {
  const { counts, capacity } = extras;
  const W = 360;
  const H = 150;
  const top = Math.max(1, capacity);
  const slot = W / Math.max(1, counts.length);
  const mean = extras.tokens / Math.max(1, counts.length);
  const y = (v: number) => H - (v / top) * H;
  return (
    <figure style={{ margin: 0 }}>
      <h3 style={{ margin: '0 0 8px', fontSize: '1rem' }}>Tokens per expert</h3>
      <svg
        width="100%"
        style={{ maxWidth: 420, display: 'block' }}
        viewBox={`0 0 ${W} ${H + 20}`}
        role="img"
        aria-label={`Tokens per expert: ${counts.join(', ')}; the busiest has ${capacity}, the mean is ${fmtNumber(mean)}`}
      >
        {counts.map((c, e) => (
          <g key={e}>
            <rect
              x={e * slot + 1}
              y={y(capacity)}
              width={Math.max(1, slot - 2)}
              height={H - y(capacity)}
              fill="none"
              stroke={OKABE_ITO[7]}
              strokeDasharray="3 2"
            >
              <title>{`expert ${e}: ${capacity - c} padding rows in the padded layout`}</title>
            </rect>
            <rect x={e * slot + 1} y={y(c)} width={Math.max(1, slot - 2)} height={H - y(c)} fill={OKABE_ITO[1]}>
              <title>{`expert ${e}: ${c} tokens`}</title>
            </rect>
          </g>
        ))}
        <line x1={0} x2={W} y1={y(mean)} y2={y(mean)} stroke={OKABE_ITO[5]} strokeWidth={2} />
        <text x={0} y={H + 15} fontSize={11}>
          expert 0
        </text>
        <text x={W} y={H + 15} fontSize={11} textAnchor="end">
          expert {counts.length - 1}
        </text>
      </svg>
      <figcaption className="hint">
        Filled: tokens routed to each expert. Dashed outline: the rows the padded layout gives every expert (the busiest one’s {capacity}). Blue line: the mean,{' '}
        {fmtNumber(mean)}.
      </figcaption>
    </figure>
  );
}

function ExpertTable({ extras }: { extras: MoeExtras }) {
  return (
    <details>
      <summary>Tokens per expert (table)</summary>
      <table>
        <thead>
          <tr>
            <th scope="col">Expert</th>
            <th scope="col">Tokens</th>
            <th scope="col">Padding rows (padded layout)</th>
          </tr>
        </thead>
        <tbody>
          {extras.counts.map((c, e) => (
            <tr key={e}>
              <th scope="row" style={{ fontWeight: 'normal' }}>
                {e}
              </th>
              <td>{c}</td>
              <td>{extras.capacity - c}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
