// The experiment form: generated from the variant's parameter schema, so a new variant needs no
// view code. Every control has a visible label that is also its accessible name.
import { useEffect, useState } from 'react';
import { FAMILIES, findVariant } from '../../kernels/registry';
import { MAX_REPS, MAX_SWEEP_POINTS, validateSweep } from '../../kernels/experiment';
import { problemsFor } from '../../kernels/schema';
import type { FamilyId, ParamDef } from '../../kernels/types';
import { cancelCurrent, runCurrent } from '../../state/labClient';
import { currentProblems, useLab } from '../../state/store';
import { shareLink } from '../../state/urlSync';

export function KernelPicker() {
  const experiment = useLab((s) => s.experiment);
  const gpu = useLab((s) => s.gpu);
  const setFamily = useLab((s) => s.setFamily);
  const setVariant = useLab((s) => s.setVariant);
  const family = FAMILIES.find((f) => f.id === experiment.family)!;
  const variant = findVariant(experiment.family, experiment.variant);
  return (
    <fieldset className="picker">
      <legend>Kernel</legend>
      <label htmlFor="family">Family</label>
      <select id="family" value={experiment.family} onChange={(e) => setFamily(e.target.value as FamilyId)}>
        {FAMILIES.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
      </select>
      <label htmlFor="variant">Variant</label>
      <select id="variant" value={experiment.variant} onChange={(e) => setVariant(e.target.value)}>
        {family.variants.map((v) => {
          const missing = gpu?.available ? v.unavailableReason?.(gpu.caps) : null;
          return (
            <option key={v.id} value={v.id} disabled={Boolean(missing)}>
              {v.label}
              {missing ? ' (not on this device)' : ''}
            </option>
          );
        })}
      </select>
      {variant && <p className="hint">{variant.summary}</p>}
      {gpu?.available &&
        family.variants
          .map((v) => [v, v.unavailableReason?.(gpu.caps)] as const)
          .filter(([, reason]) => reason)
          .map(([v, reason]) => (
            <p key={v.id} className="hint muted">
              {v.label}: {reason}
            </p>
          ))}
    </fieldset>
  );
}

function ParamField({ def }: { def: ParamDef }) {
  const value = useLab((s) => s.experiment.params[def.key]);
  const setParam = useLab((s) => s.setParam);
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText(String(value));
    setProblem(null);
  }, [value]);
  const id = `param-${def.key}`;
  if (def.kind === 'bool') {
    return (
      <div className="field check">
        <input id={id} type="checkbox" checked={Boolean(value)} onChange={(e) => setParam(def.key, e.target.checked)} />
        <label htmlFor={id}>{def.label}</label>
      </div>
    );
  }
  if (def.kind === 'enum') {
    return (
      <div className="field">
        <label htmlFor={id}>{def.label}</label>
        <select id={id} value={String(value)} onChange={(e) => setParam(def.key, e.target.value)}>
          {def.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    );
  }
  const commit = () => setProblem(setParam(def.key, text));
  return (
    <div className="field">
      <label htmlFor={id}>{def.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={def.min}
        max={def.max}
        step={1}
        value={text}
        list={def.choices ? `${id}-choices` : undefined}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? `${id}-problem` : undefined}
        onChange={(e) => {
          setText(e.target.value);
          const p = setParam(def.key, e.target.value);
          setProblem(p && e.target.value !== '' ? p : null);
        }}
        onBlur={commit}
      />
      {def.choices && (
        <datalist id={`${id}-choices`}>
          {def.choices.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      )}
      {problem && (
        <span className="field-problem" id={`${id}-problem`} role="alert">
          {problem}
        </span>
      )}
    </div>
  );
}

export function ParamForm() {
  const experiment = useLab((s) => s.experiment);
  const setSeed = useLab((s) => s.setSeed);
  const setReps = useLab((s) => s.setReps);
  const variant = findVariant(experiment.family, experiment.variant);
  if (!variant) return null;
  return (
    <fieldset className="params">
      <legend>Parameters</legend>
      {variant.params.map((def) => (
        <ParamField key={`${variant.id}-${def.key}`} def={def} />
      ))}
      <div className="field">
        <label htmlFor="seed">Seed</label>
        <input
          id="seed"
          type="number"
          min={0}
          step={1}
          value={experiment.seed}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 0 && n <= 0xffffffff) setSeed(n);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor="reps">Repetitions</label>
        <input
          id="reps"
          type="number"
          min={1}
          max={MAX_REPS}
          step={1}
          value={experiment.reps}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (Number.isInteger(n) && n >= 1 && n <= MAX_REPS) setReps(n);
          }}
        />
      </div>
    </fieldset>
  );
}

export function SweepControls() {
  const experiment = useLab((s) => s.experiment);
  const setSweep = useLab((s) => s.setSweep);
  const variant = findVariant(experiment.family, experiment.variant);
  const intDefs = (variant?.params ?? []).filter((p): p is Extract<ParamDef, { kind: 'int' }> => p.kind === 'int');
  const sweep = experiment.sweep;
  const [valuesText, setValuesText] = useState(sweep ? sweep.values.join(', ') : '');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setValuesText(sweep ? sweep.values.join(', ') : '');
  }, [sweep]);
  if (!variant) return null;

  const enable = (param: string) => {
    const def = intDefs.find((d) => d.key === param)!;
    const values = (def.choices ?? [def.default]).filter((v) => v >= def.min && v <= def.max);
    setSweep({ param, values });
    setProblem(null);
  };
  const applyValues = (text: string) => {
    if (!sweep) return;
    const values = text
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((t) => (/^\d+$/.test(t) ? Number(t) : NaN));
    const checked = validateSweep(variant, { param: sweep.param, values });
    setProblem(checked.problems.length ? checked.problems.join('; ') : null);
    if (checked.sweep) setSweep(checked.sweep);
  };
  return (
    <fieldset className="sweep">
      <legend>Sweep</legend>
      <label htmlFor="sweep-param">Sweep parameter</label>
      <select
        id="sweep-param"
        value={sweep?.param ?? ''}
        onChange={(e) => (e.target.value ? enable(e.target.value) : setSweep(undefined))}
      >
        <option value="">No sweep (single run)</option>
        {intDefs.map((d) => (
          <option key={d.key} value={d.key}>
            {d.label}
          </option>
        ))}
      </select>
      {sweep && (
        <>
          <label htmlFor="sweep-values">Values (comma-separated, at most {MAX_SWEEP_POINTS})</label>
          <input
            id="sweep-values"
            type="text"
            value={valuesText}
            onChange={(e) => setValuesText(e.target.value)}
            onBlur={(e) => applyValues(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') applyValues((e.target as HTMLInputElement).value);
            }}
          />
          {problem && (
            <span className="field-problem" role="alert">
              {problem}
            </span>
          )}
          {variant && <SweepValidity />}
        </>
      )}
    </fieldset>
  );
}

function SweepValidity() {
  const experiment = useLab((s) => s.experiment);
  const gpu = useLab((s) => s.gpu);
  const variant = findVariant(experiment.family, experiment.variant);
  if (!variant || !experiment.sweep || !gpu?.available) return null;
  const invalid = experiment.sweep.values
    .map((value) => [value, problemsFor(variant, { ...experiment.params, [experiment.sweep!.param]: value }, gpu.caps)] as const)
    .filter(([, problems]) => problems.length);
  if (!invalid.length) return null;
  return (
    <ul className="hint warn" aria-label="Sweep points this device cannot run">
      {invalid.map(([value, problems]) => (
        <li key={value}>
          {value}: {problems[0]} — will be skipped
        </li>
      ))}
    </ul>
  );
}

export function RunControls() {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const experiment = useLab((s) => s.experiment);
  const problems = currentProblems({ experiment, gpu });
  const hasGpu = Boolean(gpu?.available);
  const sweepAll = Boolean(experiment.sweep);
  const progress = job?.progress;
  return (
    <div className="run">
      {problems.length > 0 && !sweepAll && (
        <div role="alert">
          <ul className="limit-problems" aria-label="Why this configuration cannot run">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="buttons">
        {!job ? (
          <>
            <button
              type="button"
              className="primary"
              disabled={!hasGpu || (problems.length > 0 && !sweepAll)}
              onClick={() => runCurrent('webgpu')}
            >
              {sweepAll ? 'Run sweep on GPU' : 'Run on GPU'}
            </button>
            <button type="button" onClick={() => runCurrent('cpu')} title="Float32 emulated in JavaScript on the CPU, checked against float64">
              {sweepAll ? 'Run sweep on CPU' : 'Run on CPU (emulated)'}
            </button>
          </>
        ) : (
          <button type="button" className="danger" onClick={cancelCurrent} disabled={job.cancelling}>
            {job.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
        <ShareButton />
      </div>
      {job && (
        <div className="progress" data-testid="progress">
          <progress max={1} value={progress?.fraction ?? 0} aria-label="Run progress" />
          <span>
            {job.backend === 'cpu' ? 'CPU: ' : 'GPU: '}
            {progress?.message ?? 'starting…'}
          </span>
        </div>
      )}
    </div>
  );
}

function ShareButton() {
  const [link, setLink] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          const url = shareLink();
          setLink(url);
          try {
            await navigator.clipboard.writeText(url);
            setCopied(true);
          } catch {
            setCopied(false);
          }
        }}
      >
        Share
      </button>
      {link && (
        <div className="share">
          <label htmlFor="share-link">{copied ? 'Link copied to the clipboard' : 'Link to this experiment'}</label>
          <input id="share-link" type="text" readOnly value={link} onFocus={(e) => e.target.select()} data-testid="share-link" />
        </div>
      )}
    </>
  );
}
