// Bindings declared once: a dispatch lists its Binding objects, and its WGSL declarations are
// generated from that list, so the shader and the plan cannot disagree about what sits where.
import type { Binding, BindingAccess } from './types';

/** A read-only storage buffer. */
export function readOnly(name: string, type: string, note?: string, buffer?: string): Binding {
  return binding(name, 'read', type, note, buffer);
}

/** A read-write storage buffer. */
export function readWrite(name: string, type: string, note?: string, buffer?: string): Binding {
  return binding(name, 'read_write', type, note, buffer);
}

/** A uniform buffer (its type is usually a struct the shader declares). */
export function uniform(name: string, type: string, note?: string, buffer?: string): Binding {
  return binding(name, 'uniform', type, note, buffer);
}

function binding(name: string, access: BindingAccess, type: string, note: string | undefined, buffer: string | undefined): Binding {
  return { name, access, type, ...(buffer && buffer !== name ? { buffer } : {}), ...(note ? { note } : {}) };
}

/** The plan buffer a binding refers to. */
export function bufferOf(b: Binding): string {
  return b.buffer ?? b.name;
}

/** The WGSL address space and access of a binding, as written in `var<…>`. */
export function addressSpaceOf(b: Binding): string {
  return b.access === 'uniform' ? 'uniform' : `storage, ${b.access}`;
}

/** The WGSL declaration lines for these bindings, at @binding(0), (1), … of one group. */
export function declareBindings(bindings: Binding[], group = 0): string {
  return bindings.map((b, i) => `@group(${group}) @binding(${i}) var<${addressSpaceOf(b)}> ${b.name} : ${b.type};${b.note ? ` // ${b.note}` : ''}`).join('\n');
}
