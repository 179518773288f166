// A text field that holds a draft (state/fields.ts): what is typed stays on the field, an invalid
// draft is marked with the reason and the value kept, and only a valid commit reaches `onCommit`.
import { useEffect, useState } from 'react';
import type { ParamDef, ParamValue } from '../../kernels/types';
import { commitDraft, fieldOf, syncField, typeDraft } from '../../state/fields';

/** A text field that holds a draft; `onCommit` receives only valid values. */
export function DraftField({
  id,
  def,
  label,
  value,
  locked = false,
  onCommit,
  inline = false,
}: {
  id: string;
  def: ParamDef;
  label: string;
  value: ParamValue;
  locked?: boolean;
  onCommit: (v: ParamValue) => void;
  inline?: boolean;
}) {
  const [field, setField] = useState(() => fieldOf(value));
  useEffect(() => setField((f) => syncField(f, value)), [value]);
  const commit = () => {
    const { state, commit } = commitDraft(def, field);
    setField(state);
    if (commit !== null) onCommit(commit);
  };
  const help = def.help ? `${id}-help` : undefined;
  return (
    <div className={`field ${inline ? 'inline' : 'row'}${field.problem ? ' invalid' : ''}`}>
      <label htmlFor={id} title={def.help}>
        {label}
      </label>
      <input
        id={id}
        disabled={locked}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        value={field.draft}
        list={def.kind === 'int' && def.choices ? `${id}-choices` : undefined}
        aria-invalid={field.problem ? true : undefined}
        aria-describedby={field.problem ? `${id}-problem` : help}
        onChange={(e) => setField(typeDraft(def, field, e.target.value))}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setField(fieldOf(field.committed));
        }}
      />
      {def.kind === 'int' && def.choices && (
        <datalist id={`${id}-choices`}>
          {def.choices.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      )}
      {field.problem && (
        <span className="field-problem" id={`${id}-problem`} role="alert" data-testid={`${id}-problem`}>
          {field.problem}
        </span>
      )}
    </div>
  );
}
