// The words the kernel types are built from: family ids and parameters. Imports nothing, so
// facets.ts and extras.ts can use them without a cycle through types.ts.

export type FamilyId = 'matmul' | 'quant' | 'sparse' | 'scan' | 'conv' | 'structured';

export type ParamValue = number | string | boolean;
export type Params = Record<string, ParamValue>;

/** One field of a variant's parameter schema: URL parsing, the form and validation read it. */
export type ParamDef =
  | {
      key: string;
      label: string;
      kind: 'int';
      default: number;
      min: number;
      max: number;
      /** Only powers of two are allowed (e.g. tile sizes). */
      pow2?: boolean;
      /** Suggested values for sweeps and the form's list. */
      choices?: number[];
      help?: string;
    }
  | {
      key: string;
      label: string;
      kind: 'enum';
      default: string;
      options: { value: string; label: string }[];
      help?: string;
    }
  | { key: string; label: string; kind: 'bool'; default: boolean; help?: string };
