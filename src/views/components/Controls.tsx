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
import { serializeLink } from '../../state/url';
import { CONTROL_NAMES } from '../../state/classroom';
import { EditWgslButton } from '../editor/EditWgslButton';

/** Whether the teacher's link hid or locked a control. */
function useControl(name: string): { hidden: boolean; locked: boolean } {
  const classroom = useLab((s) => s.classroom);
  return { hidden: classroom.hide.includes(name), locked: classroom.lock.includes(name) };
}

const LOCKED_NOTE = ' (locked by the teacher)';

export function KernelPicker() {
  const experiment = useLab((s) => s.experiment);
  const gpu = useLab((s) => s.gpu);
  const setFamily = useLab((s) => s.setFamily);
  const setVariant = useLab((s) => s.setVariant);
  const family = FAMILIES.find((f) => f.id === experiment.family)!;
  const variant = findVariant(experiment.family, experiment.variant);
  const familyControl = useControl('family');
  const variantControl = useControl('variant');
  if (familyControl.hidden && variantControl.hidden) return variant ? <p className="hint">{variant.label}: {variant.summary}</p> : null;
  return (
    <fieldset className="picker">
      <legend>Kernel</legend>
      <label htmlFor="family" hidden={familyControl.hidden}>
        Family{familyControl.locked ? LOCKED_NOTE : ''}
      </label>
      <select id="family" hidden={familyControl.hidden} disabled={familyControl.locked} value={experiment.family} onChange={(e) => setFamily(e.target.value as FamilyId)}>
        {FAMILIES.map((f) => (
          <option key={f.id} value={f.id}>
            {f.label}
          </option>
        ))}
      </select>
      <label htmlFor="variant" hidden={variantControl.hidden}>
        Variant{variantControl.locked ? LOCKED_NOTE : ''}
      </label>
      <select id="variant" hidden={variantControl.hidden} disabled={variantControl.locked} value={experiment.variant} onChange={(e) => setVariant(e.target.value)}>
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
      {variant && <EditWgslButton />}
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
  const { hidden, locked } = useControl(def.key);
  if (hidden) return null;
  const label = def.label + (locked ? LOCKED_NOTE : '');
  if (def.kind === 'bool') {
    return (
      <div className="field check">
        <input id={id} type="checkbox" disabled={locked} checked={Boolean(value)} onChange={(e) => setParam(def.key, e.target.checked)} />
        <label htmlFor={id}>{label}</label>
      </div>
    );
  }
  if (def.kind === 'enum') {
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <select id={id} disabled={locked} value={String(value)} onChange={(e) => setParam(def.key, e.target.value)}>
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
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        disabled={locked}
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
  const seedControl = useControl('seed');
  const repsControl = useControl('reps');
  if (!variant) return null;
  return (
    <fieldset className="params">
      <legend>Parameters</legend>
      {variant.params.map((def) => (
        <ParamField key={`${variant.id}-${def.key}`} def={def} />
      ))}
      <div className="field" hidden={seedControl.hidden}>
        <label htmlFor="seed">Seed{seedControl.locked ? LOCKED_NOTE : ''}</label>
        <input
          id="seed"
          disabled={seedControl.locked}
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
      <div className="field" hidden={repsControl.hidden}>
        <label htmlFor="reps">Repetitions{repsControl.locked ? LOCKED_NOTE : ''}</label>
        <input
          id="reps"
          disabled={repsControl.locked}
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
  const { hidden, locked } = useControl('sweep');
  useEffect(() => {
    setValuesText(sweep ? sweep.values.join(', ') : '');
  }, [sweep]);
  if (!variant || hidden) return null;

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
      <label htmlFor="sweep-param">Sweep parameter{locked ? LOCKED_NOTE : ''}</label>
      <select
        id="sweep-param"
        disabled={locked}
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
            disabled={locked}
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
  const cpuControl = useControl('cpu');
  const canEmulate = Boolean(findVariant(experiment.family, experiment.variant)?.emulate);
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
            <button
              type="button"
              hidden={cpuControl.hidden}
              disabled={!canEmulate}
              onClick={() => runCurrent('cpu')}
              title={canEmulate ? 'Float32 emulated in JavaScript on the CPU, checked against float64' : 'This variant has no CPU emulation: it needs WebGPU'}
            >
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
      {!hasGpu && gpu && !canEmulate && <p className="hint">This variant runs only on WebGPU; its lab panel below still works on the CPU where it can.</p>}
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
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Share
      </button>
      {open && <SharePanel />}
    </>
  );
}

function SharePanel() {
  const experiment = useLab((s) => s.experiment);
  const classroom = useLab((s) => s.classroom);
  const result = useLab((s) => s.result);
  const sweepPoints = useLab((s) => s.sweepPoints);
  const [withResults, setWithResults] = useState(false);
  const [hide, setHide] = useState<string[]>(classroom.hide);
  const [lock, setLock] = useState<string[]>(classroom.lock);
  const [link, setLink] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const variant = findVariant(experiment.family, experiment.variant);
  const controls = [...CONTROL_NAMES.filter((c) => c !== 'cpu'), ...(variant?.params.map((p) => p.key) ?? [])];

  useEffect(() => {
    let live = true;
    void shareLink({ withResults, classroom: { hide, lock, mode: 'normal' } }).then(({ url, note }) => {
      if (!live) return;
      setLink(url);
      setNote(note ?? null);
      setCopied(null);
    });
    return () => {
      live = false;
    };
  }, [experiment, withResults, hide, lock, result, sweepPoints]);

  const embedUrl = link ? link.replace(/#.*/, '') + serializeLink(experiment, { ui: 'embed' }) : '';
  const iframe = `<iframe src="${embedUrl}" width="800" height="520" title="Kernel Lab: ${variant?.label ?? experiment.variant}" allow="clipboard-write" style="border:0"></iframe>`;
  const copy = async (text: string, what: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(what);
    } catch {
      setCopied(null);
    }
  };
  const toggle = (list: string[], set: (v: string[]) => void, name: string) => set(list.includes(name) ? list.filter((n) => n !== name) : [...list, name]);
  return (
    <div className="share" role="group" aria-label="Share this experiment">
      <label htmlFor="share-link">Link to this experiment</label>
      <input id="share-link" type="text" readOnly value={link} onFocus={(e) => e.target.select()} data-testid="share-link" />
      <div className="buttons">
        <button type="button" onClick={() => copy(link, 'link')}>
          Copy link
        </button>
        {copied === 'link' && <span role="status">Copied.</span>}
      </div>
      <div className="field check">
        <input id="share-results" type="checkbox" checked={withResults} onChange={(e) => setWithResults(e.target.checked)} />
        <label htmlFor="share-results">Include my results, so others see them beside their own run</label>
      </div>
      {note && (
        <p className="hint warn" role="status" data-testid="share-note">
          {note}
        </p>
      )}
      <details>
        <summary>Classroom: hide or lock controls</summary>
        <table className="classroom-table">
          <thead>
            <tr>
              <th scope="col">Control</th>
              <th scope="col">Hide</th>
              <th scope="col">Lock</th>
            </tr>
          </thead>
          <tbody>
            {controls.map((name) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>
                  <input type="checkbox" aria-label={`Hide ${name}`} checked={hide.includes(name)} onChange={() => toggle(hide, setHide, name)} />
                </td>
                <td>
                  <input type="checkbox" aria-label={`Lock ${name}`} checked={lock.includes(name)} onChange={() => toggle(lock, setLock, name)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details>
        <summary>Embed in slides or a course page</summary>
        <label htmlFor="embed-snippet">iframe snippet (one experiment, one chart, a Run button)</label>
        <textarea id="embed-snippet" readOnly rows={4} value={iframe} onFocus={(e) => e.target.select()} data-testid="embed-snippet" />
        <button type="button" onClick={() => copy(iframe, 'iframe')}>
          Copy snippet
        </button>
        {copied === 'iframe' && <span role="status"> Copied.</span>}
      </details>
    </div>
  );
}
