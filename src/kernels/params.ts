// Typed parameter schemas. A variant lists its fields once, with their types, defaults and
// ranges; the same table gives the form, the link codec and validation their ParamDef[] (`defs`),
// and gives the variant a typed reader (`read`) so it decodes its parameters once instead of
// reading an untyped bag field by field.
//
//   const schema = paramSchema({ ...MATMUL_SHAPE, tile: int('Tile size T', 16, 1, 32, { pow2: true }) });
//   const { M, N, K, tile } = schema.read(params); // numbers, checked against the schema
import { coerceParam } from './schema';
import type { ParamDef, Params } from './types';

type Distribute<T> = T extends unknown ? Omit<T, 'key'> : never;
type FieldDef = Distribute<ParamDef>;

export interface IntField extends Extract<FieldDef, { kind: 'int' }> {
  readonly __value?: number;
}
export interface EnumField<V extends string> extends Omit<Extract<FieldDef, { kind: 'enum' }>, 'default' | 'options'> {
  default: V;
  options: { value: V; label: string }[];
  readonly __value?: V;
}
export interface BoolField extends Extract<FieldDef, { kind: 'bool' }> {
  readonly __value?: boolean;
}
export type Field = IntField | EnumField<string> | BoolField;

/** The value type a field decodes to. */
export type ValueOf<F> = F extends EnumField<infer V> ? V : F extends IntField ? number : F extends BoolField ? boolean : never;

export type Fields = Record<string, Field>;
export type Decoded<S extends Fields> = { [K in keyof S]: ValueOf<S[K]> };

export function int(
  label: string,
  defaultValue: number,
  min: number,
  max: number,
  options: { pow2?: boolean; choices?: number[]; help?: string } = {},
): IntField {
  return { kind: 'int', label, default: defaultValue, min, max, ...options };
}

export function oneOf<const V extends string>(label: string, defaultValue: NoInfer<V>, options: [V, string][], help?: string): EnumField<V> {
  return { kind: 'enum', label, default: defaultValue, options: options.map(([value, text]) => ({ value, label: text })), ...(help ? { help } : {}) };
}

export function flag(label: string, defaultValue: boolean, help?: string): BoolField {
  return { kind: 'bool', label, default: defaultValue, ...(help ? { help } : {}) };
}

/** Thrown when parameters that should have been validated against the schema are not valid. */
export class InvalidParamsError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid parameters: ${problems.join('; ')}`);
    this.name = 'InvalidParamsError';
  }
}

export interface ParamSchema<S extends Fields> {
  readonly fields: S;
  /** The schema as the form, the link codec and validation read it. */
  readonly defs: ParamDef[];
  /**
   * The typed values; a missing value is the field's default. Parameters come validated
   * (runExperiment checks them first): a value the schema rejects throws InvalidParamsError
   * rather than being replaced silently.
   */
  read(params: Params): Decoded<S>;
}

export function paramSchema<S extends Fields>(fields: S): ParamSchema<S> {
  const defs = Object.entries(fields).map(([key, field]) => {
    const { __value, ...def } = field as Field & { __value?: unknown };
    void __value;
    return { key, ...def } as ParamDef;
  });
  return {
    fields,
    defs,
    read(params) {
      const out: Record<string, unknown> = {};
      const problems: string[] = [];
      for (const def of defs) {
        const raw = params[def.key];
        const { value, problem } = coerceParam(def, typeof raw === 'boolean' ? (raw ? '1' : '0') : raw);
        // A missing value means the default, as in a link that omits the field.
        if (problem) problems.push(problem);
        out[def.key] = value;
      }
      if (problems.length) throw new InvalidParamsError(problems);
      return out as Decoded<S>;
    },
  };
}
