// The experiment form: generated from the variant's parameter schema, so a new variant needs no
// view code. Every control has a visible label that is also its accessible name. Text fields hold
// drafts (state/fields.ts): the experiment changes only when a valid draft is committed (Enter,
// leaving the field, pressing Run); a refused draft stays on the field with the reason and the
// value the experiment keeps.
import { DraftField } from './DraftField';
import { useEffect, useState } from 'react';
import { FAMILIES, findVariant } from '../../kernels/registry';
import { EXPERIMENT_FIELDS, MAX_SWEEP_POINTS } from '../../kernels/experiment';
import { problemsFor } from '../../kernels/schema';
import type { FamilyId, ParamDef } from '../../kernels/types';
import { cancelCurrent, runCurrent } from '../../state/labClient';
import { currentProblems, useLab } from '../../state/store';
import { shareLink } from '../../state/urlSync';
import { serializeLink } from '../../state/url';
import { classroomFields, CONTROL_NAMES } from '../../state/classroom';
import { commitSweep, sweepText, typeSweep, type SweepField } from '../../state/fields';
import { predictFor } from '../../state/runPlan';
import { EditWgslButton } from '../editor/EditWgslButton';
import { fmtDuration } from '../../state/predict';

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
  if (familyControl.hidden && variantControl.hidden)
    return variant ? (
      <p className="hint">
        {variant.label}: {variant.summary}
      </p>
    ) : null;
  const unavailable = gpu?.available ? family.variants.map((v) => [v, v.unavailableReason?.(gpu.caps)] as const).filter(([, reason]) => reason) : [];
  return (
    <fieldset className="picker">
      <legend>Kernel</legend>
      {!familyControl.hidden && (
        <div className="field row">
          <label htmlFor="family">Family{familyControl.locked ? LOCKED_NOTE : ''}</label>
          <select id="family" disabled={familyControl.locked} value={experiment.family} onChange={(e) => setFamily(e.target.value as FamilyId)}>
            {FAMILIES.map((f) => (
              <option key={f.id} value={f.id}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {!variantControl.hidden && (
        <div className="field row">
          <label htmlFor="variant">Variant{variantControl.locked ? LOCKED_NOTE : ''}</label>
          <select id="variant" disabled={variantControl.locked} value={experiment.variant} onChange={(e) => setVariant(e.target.value)}>
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
        </div>
      )}
      {variant && <p className="hint summary">{variant.summary}</p>}
      {variant && <EditWgslButton />}
      {unavailable.length > 0 && (
        <details className="unavailable" data-testid="unavailable-variants">
          <summary>
            {unavailable.length} variant{unavailable.length > 1 ? 's' : ''} of this family cannot run on this device
          </summary>
          <ul>
            {unavailable.map(([v, reason]) => (
              <li key={v.id}>
                <strong>{v.label}</strong>: {reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </fieldset>
  );
}

function ParamField({ def }: { def: ParamDef }) {
  const value = useLab((s) => s.experiment.params[def.key]);
  const setParam = useLab((s) => s.setParam);
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
      <div className="field row">
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
  return <DraftField id={id} def={def} label={label} value={value ?? def.default} locked={locked} onCommit={(v) => setParam(def.key, String(v))} />;
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
      {!seedControl.hidden && (
        <DraftField
          id="seed"
          def={EXPERIMENT_FIELDS.seed}
          label={`Seed${seedControl.locked ? LOCKED_NOTE : ''}`}
          value={experiment.seed}
          locked={seedControl.locked}
          onCommit={(v) => setSeed(v as number)}
        />
      )}
      {!repsControl.hidden && (
        <DraftField
          id="reps"
          def={EXPERIMENT_FIELDS.reps}
          label={`Repetitions${repsControl.locked ? LOCKED_NOTE : ''}`}
          value={experiment.reps}
          locked={repsControl.locked}
          onCommit={(v) => setReps(v as number)}
        />
      )}
    </fieldset>
  );
}

export function SweepControls() {
  const experiment = useLab((s) => s.experiment);
  const lock = useLab((s) => s.classroom.lock);
  const setSweep = useLab((s) => s.setSweep);
  const variant = findVariant(experiment.family, experiment.variant);
  // A locked parameter cannot be swept: a sweep would change it behind the lock.
  const intDefs = (variant?.params ?? []).filter((p): p is Extract<ParamDef, { kind: 'int' }> => p.kind === 'int' && !lock.includes(p.key));
  const sweep = experiment.sweep;
  const [field, setField] = useState<SweepField>({ draft: sweepText(sweep), committed: sweep, problem: null });
  const { hidden, locked } = useControl('sweep');
  useEffect(() => setField({ draft: sweepText(sweep), committed: sweep, problem: null }), [sweep]);
  if (!variant || hidden) return null;

  const enable = (param: string) => {
    const def = intDefs.find((d) => d.key === param)!;
    const values = (def.choices ?? [def.default]).filter((v) => v >= def.min && v <= def.max);
    setSweep({ param, values });
  };
  const commit = () => {
    if (!sweep) return;
    const { state, commit } = commitSweep(variant, sweep.param, field);
    setField(state);
    if (commit) setSweep(commit);
  };
  return (
    <fieldset className="sweep">
      <legend>Sweep</legend>
      <div className="field row">
        <label htmlFor="sweep-param">Sweep parameter{locked ? LOCKED_NOTE : ''}</label>
        <select id="sweep-param" disabled={locked} value={sweep?.param ?? ''} onChange={(e) => (e.target.value ? enable(e.target.value) : setSweep(undefined))}>
          <option value="">No sweep (single run)</option>
          {sweep && !intDefs.some((d) => d.key === sweep.param) && <option value={sweep.param}>{sweep.param}</option>}
          {intDefs.map((d) => (
            <option key={d.key} value={d.key}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {sweep && (
        <>
          <div className={`field${field.problem ? ' invalid' : ''}`}>
            <label htmlFor="sweep-values">Values (comma-separated, at most {MAX_SWEEP_POINTS})</label>
            <input
              id="sweep-values"
              disabled={locked}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={field.draft}
              aria-invalid={field.problem ? true : undefined}
              aria-describedby={field.problem ? 'sweep-values-problem' : undefined}
              onChange={(e) => setField(typeSweep(variant, sweep.param, field, e.target.value))}
              onBlur={commit}
              onKeyDown={(e) => {
                if (e.key === 'Enter') commit();
              }}
            />
            {field.problem && (
              <span className="field-problem" id="sweep-values-problem" role="alert" data-testid="sweep-values-problem">
                {field.problem}
              </span>
            )}
          </div>
          <SweepValidity />
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

/** What the next run is predicted to take here, said before it starts. */
export function PredictionLine({ backend, brief = false }: { backend: 'webgpu' | 'cpu'; brief?: boolean }) {
  const experiment = useLab((s) => s.experiment);
  const speeds = useLab((s) => s.speeds);
  const gpu = useLab((s) => s.gpu);
  if (!gpu) return null;
  const p = predictFor({ gpu, speeds }, experiment, backend);
  return (
    <p className="hint prediction" data-testid="prediction" data-seconds={p.seconds.toFixed(3)}>
      Predicted: about {fmtDuration(p.seconds)}
      {p.points > 1 ? ` for ${p.points} points` : ''} on {backend === 'cpu' ? 'the CPU' : 'this device'}
      {brief ? '' : ` (${p.basis})`}.
    </p>
  );
}

export function RunControls() {
  const job = useLab((s) => s.job);
  const gpu = useLab((s) => s.gpu);
  const experiment = useLab((s) => s.experiment);
  const problems = currentProblems({ experiment, gpu });
  const hasGpu = Boolean(gpu?.available);
  const sweepAll = Boolean(experiment.sweep);
  const cpuControl = useControl('cpu');
  const variant = findVariant(experiment.family, experiment.variant);
  const canEmulate = Boolean(variant?.emulate);
  const noCpuReason = canEmulate ? null : `Run on CPU is off: ${variant?.noEmulationReason ?? 'this variant has no CPU emulation'}.`;
  return (
    <div className="run" data-testid="run-controls">
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
            <button type="button" className="primary" disabled={!hasGpu || (problems.length > 0 && !sweepAll)} onClick={() => runCurrent('webgpu')}>
              {sweepAll ? 'Run sweep on GPU' : 'Run on GPU'}
            </button>
            <button
              type="button"
              hidden={cpuControl.hidden}
              disabled={!canEmulate}
              onClick={() => runCurrent('cpu')}
              aria-describedby={noCpuReason ? 'no-cpu-reason' : undefined}
              title={canEmulate ? 'Float32 emulated in JavaScript on the CPU, checked against float64' : undefined}
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
      {!job && <PredictionLine backend={hasGpu || !canEmulate ? 'webgpu' : 'cpu'} />}
      {noCpuReason && !cpuControl.hidden && (
        <p className="hint" id="no-cpu-reason" data-testid="no-cpu-reason">
          {noCpuReason}
        </p>
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

  // biome-ignore lint/correctness/useExhaustiveDependencies: shareLink reads the experiment, result and sweep from the store; they change the link.
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

  // The embed keeps the classroom's hidden and locked controls (and, like the link, no lesson).
  const embedHash = serializeLink(experiment, { ...classroomFields({ mode: 'embed', hide, lock, lesson: null }) });
  const embedUrl = link ? link.replace(/#.*/, '') + embedHash : '';
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
    <fieldset className="share" aria-label="Share this experiment">
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
    </fieldset>
  );
}
