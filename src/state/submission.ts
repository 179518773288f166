// A submission: what Submit hands the teacher, as a link (#sub=…) or in a file. It holds the
// exercise, a hash of the source, the verdict, the timings, the device, whether hints or the
// solution were used, and optionally the source itself. Encoding: JSON → deflate-raw → base64url.
//
// The seal. Every field but `seal` is hashed (SHA-256 over a canonical JSON), and the board
// refuses a submission whose seal does not match, whose source does not match its hash, or whose
// verdict contradicts itself (passed with a failing shape, a speed goal "met" below its ratio…).
// That catches a damaged link and a hand-edited one. It is a checksum, not a signature: without
// a server there is no secret, and anyone with this app can make a well-sealed link for a verdict
// no GPU gave. What a teacher can trust is a submission that carries its source and is judged
// again on the teacher's own device (the board's Re-judge).
import * as v from 'valibot';
import { adapterName } from '../gpu/describe';
import type { AdapterDescription } from '../gpu/types';
import { findExercise } from '../exercises';
import type { Verdict, VerdictKind } from '../exercises/types';
import { sha256Hex } from './sha256';
import { shortBrowser } from './snapshot';

export const SUBMISSION_VERSION = 1;
/** Longer links break in chat apps and mail clients: past this, the submission goes as a file. */
export const MAX_SUBMISSION_LINK_CHARS = 16_000;
const MAX_INFLATED = 400_000;

export interface SubmissionShape {
  text: string;
  passed: boolean;
  seconds: number;
}

export interface SubmissionSpeed {
  goal: number;
  ratio: number;
  met: boolean;
  studentSeconds: number;
  builtInSeconds: number;
  shapeText: string;
}

export interface SubmissionDevice {
  /** The adapter in words ("apple · metal-3 · M2"). */
  name: string;
  /** What rankings group by: vendor and architecture, and whether it is a software adapter. */
  class: string;
  software: boolean;
  browser: string;
}

export interface Submission {
  v: number;
  exercise: string;
  /** The name the student gave ('' if none). */
  student: string;
  /** SHA-256 of the source, 32 hex digits. */
  sourceHash: string;
  verdict: { passed: boolean; kind: VerdictKind; message: string; failedShape?: string; line?: number };
  timings: { judgeSeconds: number; shapes: SubmissionShape[]; speed?: SubmissionSpeed };
  device: SubmissionDevice;
  hintsUsed: number;
  solutionViewed: boolean;
  date: string;
  source?: string;
  /** SHA-256 of every other field (canonical JSON), 32 hex digits. */
  seal: string;
}

export type Unsealed = Omit<Submission, 'seal'>;

/** JSON with object keys sorted at every level: the same text for the same data, always. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const o = value as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

export const hashSource = (source: string) => sha256Hex(source).slice(0, 32);
export const sealOf = (unsealed: Unsealed) => sha256Hex(canonicalJson(unsealed)).slice(0, 32);

/** Times rounded to 4 significant digits: links stay short, and the seal covers what is shown. */
const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : 0);

export function deviceOf(adapter: AdapterDescription | null, userAgent: string): SubmissionDevice {
  const software = adapter?.isFallbackAdapter === true;
  const family = adapter ? [adapter.vendor, adapter.architecture].filter(Boolean).join(' · ') : '';
  return {
    name: adapterName(adapter).slice(0, 120),
    class: `${family || 'an adapter that does not say what it is'}${software ? ' (software)' : ''}`.slice(0, 120),
    software,
    browser: shortBrowser(userAgent).slice(0, 60),
  };
}

export function makeSubmission(input: {
  exercise: string;
  student: string;
  source: string;
  verdict: Verdict;
  device: SubmissionDevice;
  hintsUsed: number;
  solutionViewed: boolean;
  includeSource: boolean;
  date?: string;
}): Submission {
  const { verdict } = input;
  const failed = verdict.failedShape !== undefined ? verdict.shapes[verdict.failedShape] : undefined;
  const unsealed: Unsealed = {
    v: SUBMISSION_VERSION,
    exercise: input.exercise,
    student: input.student.trim().slice(0, 60),
    sourceHash: hashSource(input.source),
    verdict: {
      passed: verdict.passed,
      kind: verdict.kind,
      message: verdict.message.slice(0, 1000),
      ...(failed ? { failedShape: failed.text } : {}),
      ...(verdict.line ? { line: verdict.line } : {}),
    },
    timings: {
      judgeSeconds: round(verdict.judgeSeconds),
      shapes: verdict.shapes.map((s) => ({ text: s.text, passed: s.passed, seconds: round(s.seconds) })),
      ...(verdict.speed
        ? {
            speed: {
              goal: verdict.speed.goal,
              ratio: round(verdict.speed.ratio),
              met: verdict.speed.met,
              studentSeconds: round(verdict.speed.studentSeconds),
              builtInSeconds: round(verdict.speed.builtInSeconds),
              shapeText: verdict.speed.shapeText,
            },
          }
        : {}),
    },
    device: input.device,
    hintsUsed: input.hintsUsed,
    solutionViewed: input.solutionViewed,
    date: input.date ?? new Date().toISOString(),
    ...(input.includeSource ? { source: input.source } : {}),
  };
  // `met` is recomputed from the rounded ratio, so the submission agrees with itself.
  if (unsealed.timings.speed) unsealed.timings.speed.met = unsealed.timings.speed.ratio >= unsealed.timings.speed.goal;
  return { ...unsealed, seal: sealOf(unsealed) };
}

// ---- link encoding ----------------------------------------------------------------------------

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(stream).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    // A hostile link could inflate into a huge string: stop reading past the limit.
    if (total > limit) {
      await reader.cancel();
      throw new RangeError('too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The `sub=` code of a submission, or why it cannot be a link (too long: send the file). */
export async function encodeSubmission(s: Submission): Promise<{ code: string } | { error: string }> {
  const code = toBase64Url(await pipe(new TextEncoder().encode(JSON.stringify(s)), new CompressionStream('deflate-raw')));
  if (code.length > MAX_SUBMISSION_LINK_CHARS) {
    return {
      error: `This result needs ${code.length} characters, more than a link should carry (${MAX_SUBMISSION_LINK_CHARS}). Download it as a file instead${s.source ? ', or leave the source out' : ''}.`,
    };
  }
  return { code };
}

/** The code in a result link (…#sub=CODE, or the bare code), or null. */
export function codeOf(text: string): string | null {
  const m = text.trim().match(/(?:^|[#&?])sub=([A-Za-z0-9_-]+)/);
  if (m) return m[1];
  return /^[A-Za-z0-9_-]{16,}$/.test(text.trim()) ? text.trim() : null;
}

export type RefusalKind = 'malformed' | 'tampered' | 'duplicate' | 'unknown-exercise';

export interface Refusal {
  kind: RefusalKind;
  reason: string;
}

/** A code back into the data it holds (not yet checked). */
export async function decodeCode(code: string): Promise<{ data: unknown } | { refusal: Refusal }> {
  if (code.length > MAX_SUBMISSION_LINK_CHARS * 2) return { refusal: { kind: 'malformed', reason: 'the link is far too long to be a Kernel Lab result' } };
  try {
    const inflated = await pipe(fromBase64Url(code), new DecompressionStream('deflate-raw'), MAX_INFLATED);
    return { data: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated)) };
  } catch (e) {
    return {
      refusal: {
        kind: 'malformed',
        reason:
          e instanceof RangeError ? 'the result in this link is too large' : 'the link is damaged (it does not decode): was it cut off when it was copied?',
      },
    };
  }
}

// ---- checking ---------------------------------------------------------------------------------

// Text the page shows: bounded, and no control or bidirectional-override characters (they could
// make one student's row look like another's). Refused, not rewritten, so the seal still holds.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this regex's purpose.
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const text = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max, `is longer than ${max} characters`),
    v.check((s) => !UNSAFE.test(s), 'holds control or direction-changing characters'),
  );
const seconds = v.pipe(v.number(), v.finite(), v.minValue(0));
const hex32 = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/, 'is not 32 hex digits'));
const KINDS: VerdictKind[] = [
  'passed',
  'compile',
  'contract',
  'wrong',
  'not-finite',
  'repeat',
  'hazard',
  'out-of-bounds',
  'barrier',
  'endless-loop',
  'run-error',
];

const submissionSchema = v.strictObject({
  v: v.literal(SUBMISSION_VERSION, `is not version ${SUBMISSION_VERSION}`),
  exercise: text(60),
  student: text(60),
  sourceHash: hex32,
  verdict: v.strictObject({
    passed: v.boolean(),
    kind: v.picklist(KINDS),
    message: text(1000),
    failedShape: v.optional(text(200)),
    line: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
  }),
  timings: v.strictObject({
    judgeSeconds: seconds,
    shapes: v.pipe(v.array(v.strictObject({ text: text(200), passed: v.boolean(), seconds })), v.maxLength(64)),
    speed: v.optional(
      v.strictObject({ goal: seconds, ratio: seconds, met: v.boolean(), studentSeconds: seconds, builtInSeconds: seconds, shapeText: text(200) }),
    ),
  }),
  device: v.strictObject({ name: text(120), class: text(120), software: v.boolean(), browser: text(60) }),
  hintsUsed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
  solutionViewed: v.boolean(),
  date: v.pipe(
    text(40),
    v.check((s) => !Number.isNaN(Date.parse(s)), 'is not a date'),
  ),
  source: v.optional(text(64_000)),
  seal: hex32,
});

function issueText(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  const msg = issue.message.startsWith('Invalid') ? (issue.expected ? `should be ${issue.expected}` : 'is not valid') : issue.message;
  return `${path ? `${path} ` : ''}${msg}`;
}

/**
 * The data of a link or file entry, checked: a submission, or why it is refused. The seal is
 * checked on the data as it came, before anything else reads it.
 */
export function verifySubmission(data: unknown): { submission: Submission } | { refusal: Refusal } {
  const parsed = v.safeParse(submissionSchema, data);
  if (!parsed.success) return { refusal: { kind: 'malformed', reason: `not a Kernel Lab result: ${issueText(parsed.issues[0])}` } };
  const s = parsed.output as Submission;
  const { seal, ...rest } = s;
  if (sealOf(rest) !== seal)
    return { refusal: { kind: 'tampered', reason: 'a field was changed after Submit: the seal does not match the rest of the result' } };
  if (s.source !== undefined && hashSource(s.source) !== s.sourceHash)
    return { refusal: { kind: 'tampered', reason: 'the source it carries does not match its hash' } };
  const exercise = findExercise(s.exercise);
  if (!exercise) return { refusal: { kind: 'unknown-exercise', reason: `there is no exercise "${s.exercise}" in this version of Kernel Lab` } };
  const contradiction = contradictionIn(s, exercise.shapes.length, exercise.hints.length, exercise.speedGoal?.ratio);
  if (contradiction) return { refusal: { kind: 'tampered', reason: `the verdict contradicts itself: ${contradiction}` } };
  return { submission: s };
}

/** What in a well-sealed submission cannot be true of any judging, or null. */
function contradictionIn(s: Submission, shapes: number, hints: number, goal: number | undefined): string | null {
  const { verdict, timings } = s;
  if (verdict.passed !== (verdict.kind === 'passed')) return `it says ${verdict.passed ? 'passed' : 'failed'} with the verdict "${verdict.kind}"`;
  if (verdict.passed && timings.shapes.length !== shapes) return `it passed on ${timings.shapes.length} shapes, and the exercise has ${shapes}`;
  if (verdict.passed && timings.shapes.some((x) => !x.passed)) return 'it passed, yet a shape failed';
  if (timings.shapes.length > shapes) return `it lists ${timings.shapes.length} shapes, and the exercise has ${shapes}`;
  if (s.hintsUsed > hints) return `${s.hintsUsed} hints used, and the exercise has ${hints}`;
  const speed = timings.speed;
  if (speed) {
    if (goal === undefined) return 'it has a speed result, and the exercise has no speed goal';
    if (!verdict.passed) return 'a failing kernel is never timed against the goal';
    if (speed.goal !== goal) return `its speed goal is ${speed.goal}×, and the exercise's is ${goal}×`;
    if (speed.met !== speed.ratio >= speed.goal) return `the goal is marked ${speed.met ? 'met' : 'not met'} at ${speed.ratio}× for a goal of ${speed.goal}×`;
  }
  return null;
}

/** A link, or the text of a file entry (a submission object), into a checked submission. */
export async function readSubmission(input: string | object): Promise<{ submission: Submission } | { refusal: Refusal }> {
  if (typeof input !== 'string') return verifySubmission(input);
  const code = codeOf(input);
  if (!code) return { refusal: { kind: 'malformed', reason: 'this is not a Kernel Lab result link (it has no sub= part)' } };
  const decoded = await decodeCode(code);
  return 'refusal' in decoded ? decoded : verifySubmission(decoded.data);
}
