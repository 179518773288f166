// Parameter schemas: defaults, coercion of untrusted values (URL, form) and device-limit checks
// phrased in words a user understands.
import type { DeviceCaps, KernelVariant, ParamDef, ParamValue, Params } from './types';

export function defaultParams(defs: ParamDef[]): Params {
  const params: Params = {};
  for (const d of defs) params[d.key] = d.default;
  return params;
}

export interface CoerceResult {
  value: ParamValue;
  /** Why the raw value was not used as given, or null when it was. */
  problem: string | null;
}

export type ParsedParam = { value: ParamValue; reason: null } | { value: null; reason: string };

/**
 * Checks one untrusted value against `def` and never substitutes anything: the value, or why it
 * is refused (e.g. `M: 5000 is outside 1…4096`). coerceParam (links, files) and the form's fields
 * both read it, so they refuse the same values for the same reasons.
 */
export function parseParam(def: ParamDef, raw: unknown): ParsedParam {
  switch (def.kind) {
    case 'int': {
      const text = String(raw).trim();
      if (!/^-?\d+$/.test(text)) return { value: null, reason: `${def.label}: "${clip(text)}" is not a whole number` };
      const n = Number(text);
      if (n < def.min || n > def.max) return { value: null, reason: `${def.label}: ${clip(text)} is outside ${def.min}…${def.max}` };
      if (def.pow2 && (n & (n - 1)) !== 0) return { value: null, reason: `${def.label}: ${clip(text)} is not a power of two` };
      return { value: n, reason: null };
    }
    case 'enum': {
      const text = String(raw);
      if (def.options.some((o) => o.value === text)) return { value: text, reason: null };
      return { value: null, reason: `${def.label}: "${clip(text)}" is not one of ${def.options.map((o) => o.value).join(', ')}` };
    }
    case 'bool': {
      const text = String(raw);
      if (text === '1' || text === 'true') return { value: true, reason: null };
      if (text === '0' || text === 'false') return { value: false, reason: null };
      return { value: null, reason: `${def.label}: "${clip(text)}" is not 0/1` };
    }
  }
}

/** What `def` accepts, in words: "a whole number from 1 to 32, a power of two". */
export function allowedValues(def: ParamDef): string {
  switch (def.kind) {
    case 'int':
      return `a whole number from ${def.min} to ${def.max}${def.pow2 ? ', a power of two' : ''}`;
    case 'enum':
      return `one of ${def.options.map((o) => o.value).join(', ')}`;
    case 'bool':
      return '0 or 1';
  }
}

/** A value as the form and the link write it (booleans as 1/0). */
export function paramText(value: ParamValue): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}

/** Turns an untrusted value into a valid one for `def`, saying what was wrong (a missing value is the default). */
export function coerceParam(def: ParamDef, raw: unknown): CoerceResult {
  if (raw === undefined) return { value: def.default, problem: null };
  const parsed = parseParam(def, raw);
  if (parsed.reason === null) return { value: parsed.value, problem: null };
  return { value: def.default, problem: `${parsed.reason}; using ${paramText(def.default)}` };
}

export function coerceParams(defs: ParamDef[], raw: Record<string, unknown>): { params: Params; problems: string[] } {
  const params: Params = {};
  const problems: string[] = [];
  for (const def of defs) {
    const { value, problem } = coerceParam(def, raw[def.key]);
    params[def.key] = value;
    if (problem) problems.push(problem);
  }
  return { params, problems };
}

/** Control, format (bidirectional overrides, zero-width) and separator characters a message must never echo raw. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's purpose.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/**
 * Untrusted text (from a link, a file, a field) made safe to show inside a message: clipped to
 * `max` characters, with control and bidirectional characters written as U+XXXX.
 */
export function escapeUntrusted(text: string, max = 32): string {
  const chars = Array.from(String(text));
  const shown = chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  return shown.replace(UNSAFE_CHARS, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** escapeUntrusted in quotation marks, for messages such as `unknown variant "x"`. */
export function quoteUntrusted(text: string, max = 32): string {
  return `"${escapeUntrusted(text, max)}"`;
}

function clip(text: string): string {
  return escapeUntrusted(text, 24);
}

// ---- device-limit checks -----------------------------------------------------------------------

export function checkWorkgroup(caps: DeviceCaps, size: [number, number, number], workgroupStorageBytes: number, what = 'this configuration'): string[] {
  const l = caps.limits;
  const problems: string[] = [];
  const invocations = size[0] * size[1] * size[2];
  if (invocations > l.maxComputeInvocationsPerWorkgroup) {
    problems.push(
      `${what} needs ${invocations} invocations per workgroup (${size.join('×')}); this device allows ` +
        `${l.maxComputeInvocationsPerWorkgroup} (maxComputeInvocationsPerWorkgroup)`,
    );
  }
  const axes: [number, number, string][] = [
    [size[0], l.maxComputeWorkgroupSizeX, 'maxComputeWorkgroupSizeX'],
    [size[1], l.maxComputeWorkgroupSizeY, 'maxComputeWorkgroupSizeY'],
    [size[2], l.maxComputeWorkgroupSizeZ, 'maxComputeWorkgroupSizeZ'],
  ];
  for (const [value, limit, name] of axes) {
    if (value > limit) problems.push(`${what} needs a workgroup ${value} wide on one axis; this device allows ${limit} (${name})`);
  }
  if (workgroupStorageBytes > l.maxComputeWorkgroupStorageSize) {
    problems.push(
      `${what} needs ${workgroupStorageBytes} bytes of workgroup memory; this device allows ` +
        `${l.maxComputeWorkgroupStorageSize} (maxComputeWorkgroupStorageSize)`,
    );
  }
  return problems;
}

export function checkDispatch(caps: DeviceCaps, workgroups: number[], what = 'this size'): string[] {
  const limit = caps.limits.maxComputeWorkgroupsPerDimension;
  const worst = Math.max(...workgroups);
  return worst > limit ? [`${what} needs ${worst} workgroups along one axis; this device allows ${limit} (maxComputeWorkgroupsPerDimension)`] : [];
}

export function checkBuffers(caps: DeviceCaps, buffers: [name: string, bytes: number][]): string[] {
  const l = caps.limits;
  const problems: string[] = [];
  for (const [name, bytes] of buffers) {
    const limit = Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize);
    if (bytes > limit) {
      problems.push(
        `buffer ${name} would be ${formatBytes(bytes)}; this device binds at most ${formatBytes(limit)} (maxStorageBufferBindingSize / maxBufferSize)`,
      );
    }
  }
  return problems;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** All reasons a variant cannot run with these params on this device (empty when it can). */
export function problemsFor(variant: KernelVariant, params: Params, caps: DeviceCaps): string[] {
  const missing = variant.unavailableReason?.(caps);
  if (missing) return [missing];
  return variant.checkLimits(params, caps);
}
