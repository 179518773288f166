// A compact snapshot of results that can ride in a share link beside the experiment, so the
// receiver sees the sender's figures next to a fresh run on their own device.
// Encoding: JSON → deflate-raw (CompressionStream) → base64url, in the `snap` field.
import { adapterName } from '../gpu/describe';
import { escapeUntrusted } from '../kernels/schema';
import type { ExperimentResult } from '../kernels/types';

export const SNAPSHOT_VERSION = 1;
/** Links longer than a few thousand characters break in chat apps and mail clients. */
export const MAX_SNAPSHOT_CHARS = 3000;

export interface SnapshotPoint {
  /** Sweep value, or null for a single run. */
  x: number | null;
  seconds: number;
  gflops: number;
  gbps: number;
  maxAbs: number;
  relFrobenius: number;
  sqnrDb: number;
}

export interface Snapshot {
  v: number;
  device: string;
  browser: string;
  timing: string;
  date: string;
  sweepParam: string | null;
  points: SnapshotPoint[];
}

export function makeSnapshot(results: { x: number | null; result: ExperimentResult }[], sweepParam: string | null): Snapshot {
  const first = results[0].result;
  return {
    v: SNAPSHOT_VERSION,
    device: first.provenance.backend === 'cpu' ? 'CPU (emulated)' : adapterName(first.provenance.adapter),
    browser: shortBrowser(first.provenance.userAgent),
    timing: first.provenance.timing,
    date: first.provenance.date,
    sweepParam,
    points: results.map(({ x, result }) => ({
      x,
      seconds: round(result.medianSeconds),
      gflops: round(result.gflops),
      gbps: round(result.gbps),
      maxAbs: round(result.metrics.maxAbs),
      relFrobenius: round(result.metrics.relFrobenius),
      sqnrDb: round(result.metrics.sqnrDb),
    })),
  };
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(5)) : x;
}

export function shortBrowser(ua: string): string {
  const m = ua.match(/(Firefox|Edg|Chrome|Safari|HeadlessChrome|node)[/ ]v?([\d.]+)/);
  return m ? `${m[1]} ${m[2].split('.')[0]}` : ua.slice(0, 40);
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

function encodeNonFinite(_k: string, v: unknown) {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

export async function encodeSnapshot(snapshot: Snapshot): Promise<{ text: string } | { error: string }> {
  const json = new TextEncoder().encode(JSON.stringify(snapshot, encodeNonFinite));
  const text = toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
  if (text.length > MAX_SNAPSHOT_CHARS) {
    return {
      error: `These results need ${text.length} characters, more than a link should carry (${MAX_SNAPSHOT_CHARS}). Share the link without results, and send the results as a file (History → Export JSON).`,
    };
  }
  return { text };
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : null);

export async function decodeSnapshot(text: string): Promise<{ snapshot: Snapshot } | { error: string }> {
  if (text.length > MAX_SNAPSHOT_CHARS * 2) return { error: 'the results in this link are too long to read' };
  let data: unknown;
  try {
    // Cap the inflated size: a hostile link could otherwise expand into a huge string.
    const inflated = await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw'));
    if (inflated.length > 200_000) return { error: 'the results in this link are too large' };
    data = JSON.parse(new TextDecoder().decode(inflated));
  } catch {
    return { error: 'the results in this link are damaged and were ignored' };
  }
  const d = data as Record<string, unknown>;
  if (typeof d !== 'object' || d === null || d.v !== SNAPSHOT_VERSION || !Array.isArray(d.points) || d.points.length === 0 || d.points.length > 100) {
    return { error: 'the results in this link are not in a format this version understands; ignored' };
  }
  // Shown in the page: clipped, with control and bidirectional characters escaped.
  const text32 = (v: unknown) => (typeof v === 'string' ? escapeUntrusted(v, 120) : '');
  const points: SnapshotPoint[] = [];
  for (const p of d.points as Record<string, unknown>[]) {
    const fields = ['seconds', 'gflops', 'gbps', 'maxAbs', 'relFrobenius', 'sqnrDb'].map((k) => num(p?.[k]));
    if (fields.some((f) => f === null)) return { error: 'the results in this link are incomplete; ignored' };
    const x = p.x === null ? null : num(p.x);
    const [seconds, gflops, gbps, maxAbs, relFrobenius, sqnrDb] = fields as number[];
    points.push({ x: x ?? null, seconds, gflops, gbps, maxAbs, relFrobenius, sqnrDb });
  }
  return {
    snapshot: {
      v: SNAPSHOT_VERSION,
      device: text32(d.device),
      browser: text32(d.browser),
      timing: text32(d.timing),
      date: text32(d.date),
      sweepParam: typeof d.sweepParam === 'string' ? escapeUntrusted(d.sweepParam, 32) : null,
      points,
    },
  };
}
