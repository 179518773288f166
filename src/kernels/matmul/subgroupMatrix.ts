// Matmul on subgroup matrices (Dawn's experimental 'chromium-experimental-subgroup-matrix'
// feature: cooperative matrices on Vulkan, simdgroup matrices on Metal). A subgroup owns a grid of
// SM×SN result fragments; each fragment is an FM×FN block that the hardware's matrix unit updates
// with one multiply-accumulate per FK-deep step of K. The fragment shape (FM, FN, FK) and the
// element/result types are not ours to choose: they must be one of the configurations the adapter
// reports (GPUAdapterInfo.subgroupMatrixConfigs), so the kernel is generated for the one picked.
//
// Semantics followed (google/dawn docs/dawn/features/subgroup_matrix.md, and Tint's current
// builtin signatures): subgroup_matrix_left<T, K, M> is M rows × K columns,
// subgroup_matrix_right<T, N, K> is K×N, subgroup_matrix_result<T, N, M> is M×N;
// subgroupMatrixLoad<T, row_major>(&array, offset, stride) reads entry [r][c] at
// offset + r·stride + c; the workgroup's x size must be a multiple of the adapter's largest
// subgroup size; the builtins must run in subgroup-uniform control flow.
//
// Edge tiles are padded with zeros on the host rather than bounds-checked: a matrix load cannot
// be masked, and robust-access rewrites may turn an out-of-bounds load into a load at offset 0
// (noted in REFERENCE.md from onnxruntime's WebGPU kernels). A second pass copies the padded
// result into C when padding or a 16-bit result needs it.
//
// The same generator also emits an 'emulated' form in which each "subgroup" is one invocation and
// the fragments are plain arrays: the kernel body (offsets, strides, loops, dispatch, padding) is
// the same text, so the emulated form, run on any adapter, tests everything but the builtins.
import { configLabel, hasFeature } from '../../gpu/caps';
import { F32_UNIT_ROUNDOFF, gamma, vacuousBoundNote } from '../../numerics/metrics';
import { matmulReference, padMatrix } from '../../numerics/matmul';
import { F16_UNIT_ROUNDOFF, packF16, unpackF16 } from '../../numerics/matmulF16';
import { declareBindings, readOnly, readWrite } from '../../gpu/bindings';
import { defineVariant, type Inputs } from '../define';
import type { Traffic } from '../facets';
import { int, oneOf, paramSchema } from '../params';
import { checkBuffers, checkDispatch, checkWorkgroup } from '../schema';
import type { Binding, DeviceCaps, GpuPlan, HostArray, Params, ReferenceResult, SubgroupMatrixConfig } from '../types';
import { MATMUL_SHAPE, matmulEmulateOf, matmulInputs, matmulShapeText, matmulWorkOf, type MatmulShape } from './common';
import { f16EmulateOf, f16Inputs } from './f16';

export const SUBGROUP_MATRIX_FEATURE = 'chromium-experimental-subgroup-matrix';

export type FragmentBackend = 'native' | 'emulated';

export interface SubgroupMatrixTiling {
  /** Result fragments per subgroup, down (SM) and across (SN). */
  SM: number;
  SN: number;
  /** Subgroups per workgroup, down (WGM) and across (WGN). */
  WGM: number;
  WGN: number;
}

/** What the generator needs to know about the types and the fragment shape. */
export interface SubgroupMatrixKernel {
  elem: 'f32' | 'f16';
  result: 'f32' | 'f16';
  /** Fragment shape: left is FM×FK, right FK×FN, result FM×FN. */
  FM: number;
  FN: number;
  FK: number;
  tiling: SubgroupMatrixTiling;
  /** The adapter's largest subgroup size: the workgroup is this many invocations per subgroup. */
  subgroupMaxSize: number;
}

export interface PaddedShape extends MatmulShape {
  /** Rows, columns and depth rounded up to whole workgroup tiles / fragments. */
  MP: number;
  NP: number;
  KP: number;
}

export function workgroupTile(k: SubgroupMatrixKernel): { rows: number; cols: number } {
  return { rows: k.tiling.WGM * k.tiling.SM * k.FM, cols: k.tiling.WGN * k.tiling.SN * k.FN };
}

export function padShape(shape: MatmulShape, k: SubgroupMatrixKernel): PaddedShape {
  const tile = workgroupTile(k);
  const up = (x: number, m: number) => Math.ceil(x / m) * m;
  return { ...shape, MP: up(shape.M, tile.rows), NP: up(shape.N, tile.cols), KP: up(shape.K, k.FK) };
}

/** Invocations per workgroup: native, one subgroup of the largest size per tile slot; emulated, one. */
export function workgroupSize(k: SubgroupMatrixKernel, backend: FragmentBackend): number {
  const subgroups = k.tiling.WGM * k.tiling.WGN;
  return backend === 'native' ? subgroups * k.subgroupMaxSize : subgroups;
}

/** The main pass's bindings; its result goes to `resultBuffer` (C itself, or the padded result). */
export function fragmentBindings(k: SubgroupMatrixKernel, resultBuffer: string): Binding[] {
  return [
    readOnly('a', `array<${k.elem}>`, 'A, MP×KP, zero-padded'),
    readOnly('b', `array<${k.elem}>`, 'B, KP×NP, zero-padded'),
    readWrite('c', `array<${k.result}>`, 'the result, MP×NP', resultBuffer),
  ];
}

/** The copy-out pass's bindings. */
function unpadBindings(result: 'f32' | 'f16'): Binding[] {
  return [readOnly('padded', `array<${result}>`, 'the padded result, MP×NP', 'cPadded'), readWrite('c', 'array<f32>', 'C, M×N')];
}

export function subgroupMatrixWgsl(p: PaddedShape, k: SubgroupMatrixKernel, backend: FragmentBackend): string {
  const { SM, SN, WGN } = k.tiling;
  const subgroups = k.tiling.WGM * WGN;
  const tile = workgroupTile(k);
  const wgSize = workgroupSize(k, backend);
  const f16 = k.elem === 'f16' || k.result === 'f16';
  const lines: string[] = [];
  const emit = (indent: number, text: string) => lines.push('  '.repeat(indent) + text);

  if (backend === 'native') {
    // subgroup_size needs 'subgroups'; the matrix extension itself requires the feature too.
    emit(0, 'enable subgroups;');
    emit(0, 'enable chromium_experimental_subgroup_matrix;');
    if (f16) emit(0, 'enable f16;');
    emit(0, '// The matrix builtins must run in subgroup-uniform control flow. Every branch below depends');
    emit(0, '// only on workgroup_id, subgroup_id and constants, so it is uniform across each subgroup;');
    emit(0, "// WGSL's uniformity analysis works at workgroup scope and cannot see that.");
    emit(0, 'diagnostic(off, chromium_experimental.subgroup_matrix_uniformity);');
  } else {
    if (f16) emit(0, 'enable f16;');
    emit(0, '// EMULATED fragments: each invocation plays one subgroup and holds whole fragments in');
    emit(0, '// private arrays. For testing the kernel body on adapters without subgroup matrices.');
  }
  emit(0, '');
  emit(0, `// matmul on subgroup matrices: ${k.elem} × ${k.elem} → ${k.result}, fragments ${k.FM}×${k.FN}×${k.FK},`);
  emit(0, `// ${SM}×${SN} fragments per subgroup, ${k.tiling.WGM}×${WGN} subgroups per workgroup (tile ${tile.rows}×${tile.cols})`);
  emit(0, `const KP = ${p.KP}u; // A is MP×KP, B is KP×NP, C is MP×NP, row-major, zero-padded`);
  emit(0, `const NP = ${p.NP}u;`);
  emit(0, `const SUBGROUPS = ${subgroups}u;`);
  emit(0, '');
  emit(0, declareBindings(fragmentBindings(k, 'c')));
  emit(0, '');
  if (backend === 'native') {
    emit(0, `alias Left = subgroup_matrix_left<${k.elem}, ${k.FK}, ${k.FM}>;`);
    emit(0, `alias Right = subgroup_matrix_right<${k.elem}, ${k.FN}, ${k.FK}>;`);
    emit(0, `alias Result = subgroup_matrix_result<${k.result}, ${k.FN}, ${k.FM}>;`);
    emit(0, '');
    emit(0, 'fn loadA(offset : u32) -> Left { return subgroupMatrixLoad<Left, row_major>(&a, offset, KP); }');
    emit(0, 'fn loadB(offset : u32) -> Right { return subgroupMatrixLoad<Right, row_major>(&b, offset, NP); }');
    emit(0, 'fn mma(l : Left, r : Right, acc : Result) -> Result { return subgroupMatrixMultiplyAccumulate(l, r, acc); }');
    emit(0, 'fn storeC(offset : u32, value : Result) { subgroupMatrixStore<row_major>(&c, offset, value, NP); }');
  } else {
    emit(0, `alias Left = array<${k.elem}, ${k.FM * k.FK}>; // row-major ${k.FM}×${k.FK}`);
    emit(0, `alias Right = array<${k.elem}, ${k.FK * k.FN}>; // row-major ${k.FK}×${k.FN}`);
    emit(0, `alias Result = array<${k.result}, ${k.FM * k.FN}>; // row-major ${k.FM}×${k.FN}`);
    emit(0, '');
    emit(0, 'fn loadA(offset : u32) -> Left {');
    emit(1, 'var m : Left;');
    emit(1, `for (var r = 0u; r < ${k.FM}u; r++) { for (var q = 0u; q < ${k.FK}u; q++) { m[r * ${k.FK}u + q] = a[offset + r * KP + q]; } }`);
    emit(1, 'return m;');
    emit(0, '}');
    emit(0, 'fn loadB(offset : u32) -> Right {');
    emit(1, 'var m : Right;');
    emit(1, `for (var r = 0u; r < ${k.FK}u; r++) { for (var q = 0u; q < ${k.FN}u; q++) { m[r * ${k.FN}u + q] = b[offset + r * NP + q]; } }`);
    emit(1, 'return m;');
    emit(0, '}');
    emit(0, 'fn mma(l : Left, r : Right, acc : Result) -> Result {');
    emit(1, 'var out = acc;');
    emit(1, `for (var i = 0u; i < ${k.FM}u; i++) {`);
    emit(2, `for (var j = 0u; j < ${k.FN}u; j++) {`);
    emit(3, `var s = out[i * ${k.FN}u + j];`);
    emit(3, `for (var q = 0u; q < ${k.FK}u; q++) { s = fma(${k.result}(l[i * ${k.FK}u + q]), ${k.result}(r[q * ${k.FN}u + j]), s); }`);
    emit(3, `out[i * ${k.FN}u + j] = s;`);
    emit(2, '}');
    emit(1, '}');
    emit(1, 'return out;');
    emit(0, '}');
    emit(0, 'fn storeC(offset : u32, value : Result) {');
    emit(1, `for (var r = 0u; r < ${k.FM}u; r++) { for (var q = 0u; q < ${k.FN}u; q++) { c[offset + r * NP + q] = value[r * ${k.FN}u + q]; } }`);
    emit(0, '}');
  }
  emit(0, '');
  emit(0, `@compute @workgroup_size(${wgSize})`);
  if (backend === 'native') {
    emit(0, 'fn main(@builtin(workgroup_id) wid : vec3u, @builtin(subgroup_id) subgroupId : u32, @builtin(subgroup_size) subgroupSize : u32) {');
    emit(1, '// The workgroup holds SUBGROUPS subgroups of the largest size; where the device runs');
    emit(1, '// smaller subgroups there are more of them, and the extra ones find no tile slot and idle');
    emit(1, '// (a cost, not an error: e.g. half the workgroup on a 64-wide GPU running 32-wide).');
    emit(1, `let subgroupsHere = ${wgSize}u / subgroupSize;`);
  } else {
    emit(0, 'fn main(@builtin(workgroup_id) wid : vec3u, @builtin(local_invocation_index) subgroupId : u32) {');
    emit(1, 'let subgroupsHere = SUBGROUPS;');
  }
  // ---- From here on the text is the same for both backends. ----
  emit(1, 'for (var slot = subgroupId; slot < SUBGROUPS; slot += subgroupsHere) {');
  emit(2, `let row0 = wid.y * ${tile.rows}u + (slot / ${WGN}u) * ${SM * k.FM}u;`);
  emit(2, `let col0 = wid.x * ${tile.cols}u + (slot % ${WGN}u) * ${SN * k.FN}u;`);
  emit(2, `var acc : array<Result, ${SM * SN}>;`);
  for (let f = 0; f < SM * SN; f++) emit(2, `acc[${f}] = Result();`);
  emit(2, `for (var k = 0u; k < KP; k += ${k.FK}u) {`);
  for (let i = 0; i < SM; i++) emit(3, `let a${i} = loadA((row0 + ${i * k.FM}u) * KP + k);`);
  for (let j = 0; j < SN; j++) emit(3, `let b${j} = loadB(k * NP + col0 + ${j * k.FN}u);`);
  for (let i = 0; i < SM; i++) {
    for (let j = 0; j < SN; j++) emit(3, `acc[${i * SN + j}] = mma(a${i}, b${j}, acc[${i * SN + j}]);`);
  }
  emit(2, '}');
  for (let i = 0; i < SM; i++) {
    for (let j = 0; j < SN; j++) emit(2, `storeC((row0 + ${i * k.FM}u) * NP + col0 + ${j * k.FN}u, acc[${i * SN + j}]);`);
  }
  emit(1, '}');
  emit(0, '}');
  return `${lines.join('\n')}\n`;
}

/** Copies the M×N corner of the padded result into C as f32 (two-dimensional dispatch). */
export function unpadWgsl(p: PaddedShape, result: 'f32' | 'f16'): string {
  return /* wgsl */ `${result === 'f16' ? 'enable f16;\n' : ''}
// copy the ${p.M}×${p.N} corner of the padded ${p.MP}×${p.NP} result into C, as f32
${declareBindings(unpadBindings(result))}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid : vec3u) {
  let col = gid.x;
  let row = gid.y;
  if (col < ${p.N}u && row < ${p.M}u) { c[row * ${p.N}u + col] = f32(padded[row * ${p.NP}u + col]); }
}
`;
}

/**
 * The plan for one kernel on one shape: padded copies of A and B (f16 packed two per word), the
 * padded result, and the copy-out pass when the result is padded or 16-bit.
 */
export function subgroupMatrixPlan(shape: MatmulShape, k: SubgroupMatrixKernel, a: Float32Array, b: Float32Array, backend: FragmentBackend): GpuPlan {
  const p = padShape(shape, k);
  const aPadded = padMatrix(a, p.M, p.K, p.MP, p.KP);
  const bPadded = padMatrix(b, p.K, p.N, p.KP, p.NP);
  const store = (values: Float32Array): HostArray => (k.elem === 'f16' ? packF16(values) : values);
  const bytesPerResult = k.result === 'f16' ? 2 : 4;
  const direct = p.MP === p.M && p.NP === p.N && k.result === 'f32';
  const tile = workgroupTile(k);
  const main = {
    label: `matmul subgroup-matrix ${k.elem}→${k.result} ${k.FM}×${k.FN}×${k.FK} ${k.tiling.SM}×${k.tiling.SN}/sg ${k.tiling.WGM}×${k.tiling.WGN} sg${backend === 'emulated' ? ' (emulated)' : ''}`,
    wgsl: subgroupMatrixWgsl(p, k, backend),
    bindings: fragmentBindings(k, direct ? 'c' : 'cPadded'),
    workgroups: [p.NP / tile.cols, p.MP / tile.rows] as [number, number],
  };
  const buffers = [
    { name: 'a', data: store(aPadded), usage: 'storage' as const },
    { name: 'b', data: store(bPadded), usage: 'storage' as const },
    { name: 'c', bytes: 4 * p.M * p.N, usage: 'storage' as const },
  ];
  if (direct) return { buffers, dispatches: [main], output: { buffer: 'c', type: 'f32', count: p.M * p.N } };
  // A 16-bit result needs whole words: round its byte size up to 4.
  const paddedBytes = Math.ceil((bytesPerResult * p.MP * p.NP) / 4) * 4;
  return {
    buffers: [...buffers, { name: 'cPadded', bytes: paddedBytes, usage: 'storage' }],
    dispatches: [
      main,
      { label: 'copy the unpadded corner into C', wgsl: unpadWgsl(p, k.result), bindings: unpadBindings(k.result), workgroups: [Math.ceil(p.N / 64), p.M] },
    ],
    output: { buffer: 'c', type: 'f32', count: p.M * p.N },
  };
}

// ---- Choosing a configuration on a device ---------------------------------------------------------

/** The adapter's first (preferred) configuration with these types, or null. */
export function pickConfig(caps: DeviceCaps, elem: string, result: string): SubgroupMatrixConfig | null {
  return caps.subgroupMatrixConfigs?.find((c) => c.componentType === elem && c.resultComponentType === result) ?? null;
}

export function subgroupMatrixUnavailable(caps: DeviceCaps): string | null {
  if (!hasFeature(caps, SUBGROUP_MATRIX_FEATURE)) {
    return `this adapter does not offer "${SUBGROUP_MATRIX_FEATURE}" (Dawn's experimental cooperative/simdgroup matrices: Chrome with chrome://flags/#enable-unsafe-webgpu on a GPU with matrix units, e.g. Apple M1+ or Vulkan GPUs with VK_KHR_cooperative_matrix)`;
  }
  if (!caps.subgroupMatrixConfigs?.length)
    return 'the adapter has the subgroup-matrix feature but reports no matrix configurations (GPUAdapterInfo.subgroupMatrixConfigs is empty)';
  if (!caps.subgroupMaxSize) return "the adapter does not report its largest subgroup size, which sets this kernel's workgroup size";
  return null;
}

// f16 → f16 is the configuration Metal (8×8×8) and the Vulkan drivers with cooperative matrices
// (16×16×16) have in common; f32 is Metal-only, f16 → f32 mostly Vulkan.
export const SUBGROUP_MATRIX_DEFAULT = { types: 'f16-f16', SM: 2, SN: 2, WGM: 2, WGN: 2 } as const;

const fragmentCount = (label: string, defaultValue: number, help?: string) => int(label, defaultValue, 1, 4, { choices: [1, 2, 4], ...(help ? { help } : {}) });

const schema = paramSchema({
  ...MATMUL_SHAPE,
  types: oneOf(
    'element → result types',
    SUBGROUP_MATRIX_DEFAULT.types,
    [
      ['f32-f32', 'f32 inputs, f32 result'],
      ['f16-f32', 'f16 inputs, f32 result'],
      ['f16-f16', 'f16 inputs, f16 result'],
    ],
    'Must be a configuration the adapter reports.',
  ),
  SM: fragmentCount('fragments per subgroup, down', SUBGROUP_MATRIX_DEFAULT.SM, 'Result fragments each subgroup keeps, stacked vertically.'),
  SN: fragmentCount('fragments per subgroup, across', SUBGROUP_MATRIX_DEFAULT.SN, 'Result fragments each subgroup keeps, side by side.'),
  WGM: fragmentCount('subgroups per workgroup, down', SUBGROUP_MATRIX_DEFAULT.WGM),
  WGN: fragmentCount('subgroups per workgroup, across', SUBGROUP_MATRIX_DEFAULT.WGN),
});

export interface SubgroupMatrixVariantConfig extends MatmulShape {
  elem: 'f32' | 'f16';
  result: 'f32' | 'f16';
  tiling: SubgroupMatrixTiling;
}

function configOf(v: ReturnType<typeof schema.read>): SubgroupMatrixVariantConfig {
  const [elem, result] = v.types.split('-') as ['f32' | 'f16', 'f32' | 'f16'];
  return { M: v.M, N: v.N, K: v.K, elem, result, tiling: { SM: v.SM, SN: v.SN, WGM: v.WGM, WGN: v.WGN } };
}

/** The kernel this configuration gives on this device, or the reason there is none. */
export function kernelOf(cfg: SubgroupMatrixVariantConfig, caps: DeviceCaps): SubgroupMatrixKernel | string {
  const missing = subgroupMatrixUnavailable(caps);
  if (missing) return missing;
  const { elem, result } = cfg;
  if ((elem === 'f16' || result === 'f16') && !hasFeature(caps, 'shader-f16'))
    return 'f16 matrices need the "shader-f16" feature, which this adapter does not offer';
  const config = pickConfig(caps, elem, result);
  if (!config) {
    return `this adapter's subgroup matrices have no ${elem}×${elem}→${result} configuration; it offers ${caps.subgroupMatrixConfigs!.map(configLabel).join(', ')}`;
  }
  return { elem, result, FM: config.M, FN: config.N, FK: config.K, tiling: cfg.tiling, subgroupMaxSize: caps.subgroupMaxSize! };
}

/** kernelOf for parameters as the rest of the app holds them. */
export function kernelFor(params: Params, caps: DeviceCaps): SubgroupMatrixKernel | string {
  return kernelOf(configOf(schema.read(params)), caps);
}

// ---- The error bound --------------------------------------------------------------------------------

/**
 * Matrix units need not round to nearest (the extension leaves their ULPs undefined). NVIDIA's
 * tensor cores add several products at once in a block fused multiply-add that truncates the
 * aligned addends and then the result (Fasi, Higham, Mikaitis & Pranesh, "Numerical behavior of
 * NVIDIA tensor cores", PeerJ CS 2021; Blanchard et al., "Mixed precision block fused
 * multiply-add", SISC 2020). So each of the K + 1 operations per output (K additions and, for
 * f32 inputs, the product) is allowed two errors of 2u: |error| ≤ γ_{2(K+1)}(2u)·Σ|a·b| + u·|c|.
 * f16 results add 2⁻²⁴ per operation for gradual underflow. A worst-case bound for an f16
 * result soon exceeds |c| itself; the note then says it cannot catch an error.
 */
function referenceOf({ M, N, K, elem, result }: SubgroupMatrixVariantConfig, inputs: Inputs): ReferenceResult {
  const a = elem === 'f16' ? unpackF16(inputs.a as Uint32Array, M * K) : (inputs.a as Float32Array);
  const b = elem === 'f16' ? unpackF16(inputs.b as Uint32Array, K * N) : (inputs.b as Float32Array);
  const { c, absSum } = matmulReference(a, b, M, N, K);
  const u = result === 'f16' ? F16_UNIT_ROUNDOFF : F32_UNIT_ROUNDOFF;
  const g = gamma(2 * (K + 1), 2 * u);
  if (!Number.isFinite(g)) {
    return { values: c, boundNote: `no bound derived: 2(K+1)·2u ≥ 1 for a ${result} result at K = ${K}; the error is shown as measured`, rows: M, cols: N };
  }
  const underflow = result === 'f16' ? 2 * (K + 1) * 2 ** -24 : 1e-30;
  const bound = c.map((v, i) => g * absSum[i] + u * Math.abs(v) + underflow);
  return {
    values: c,
    bound,
    boundNote: `${elem} inputs, ${result} result: γ_2(K+1)(2u)·Σ|a·b| (matrix units may truncate), K = ${K}, bound factor ≈ ${g.toExponential(2)}${vacuousBoundNote(bound, c)}`,
    rows: M,
    cols: N,
  };
}

/**
 * Work and traffic of the kernel this device would run: padded shapes (the padding is computed and
 * thrown away), each workgroup reading its tile rows of A and tile columns of B once, each
 * subgroup loading SM fragments of A and SN of B per FK-deep step. Null where the device has no
 * such kernel (the fragment shape is the adapter's, so nothing is known without it).
 */
function trafficOf(cfg: SubgroupMatrixVariantConfig, caps: DeviceCaps | undefined): Traffic | null {
  if (!caps) return null;
  const k = kernelOf(cfg, caps);
  if (typeof k === 'string') return null;
  const p = padShape(cfg, k);
  const tile = workgroupTile(k);
  const elemBytes = k.elem === 'f16' ? 2 : 4;
  const resultBytes = k.result === 'f16' ? 2 : 4;
  const tilesM = p.MP / tile.rows;
  const tilesN = p.NP / tile.cols;
  const direct = p.MP === p.M && p.NP === p.N && k.result === 'f32';
  const { SM, SN } = k.tiling;
  const subgroups = (p.MP / (SM * k.FM)) * (p.NP / (SN * k.FN));
  return {
    flops: 2 * p.MP * p.NP * p.KP,
    globalBytes: elemBytes * p.KP * (p.MP * tilesN + p.NP * tilesM) + resultBytes * p.MP * p.NP + (direct ? 0 : resultBytes * p.M * p.N + 4 * p.M * p.N),
    registerLoadBytes: elemBytes * subgroups * (p.KP / k.FK) * (SM * k.FM * k.FK + SN * k.FK * k.FN),
    barriers: 0,
  };
}

export const subgroupMatrix = defineVariant({
  family: 'matmul',
  id: 'subgroup-matrix',
  label: 'Subgroup matrices (cooperative matrix units)',
  summary:
    "Each subgroup multiplies whole matrix fragments with the GPU's matrix units (tensor cores, Apple simdgroup matrices) through Dawn's experimental subgroup-matrix feature. Edge tiles are zero-padded.",
  schema,
  config: configOf,
  unavailableReason: subgroupMatrixUnavailable,
  limits: (cfg, caps) => {
    const kernel = kernelOf(cfg, caps);
    if (typeof kernel === 'string') return [kernel];
    const p = padShape(cfg, kernel);
    const tile = workgroupTile(kernel);
    const elemBytes = kernel.elem === 'f16' ? 2 : 4;
    return [
      ...checkWorkgroup(caps, [workgroupSize(kernel, 'native'), 1, 1], 0, `${kernel.tiling.WGM * kernel.tiling.WGN} subgroups of ${kernel.subgroupMaxSize}`),
      ...checkDispatch(caps, [p.NP / tile.cols, p.MP / tile.rows]),
      ...checkBuffers(caps, [
        ['A (padded)', elemBytes * p.MP * p.KP],
        ['B (padded)', elemBytes * p.KP * p.NP],
        ['C (padded)', 4 * p.MP * p.NP],
      ]),
    ];
  },
  inputs: (cfg, seed) => (cfg.elem === 'f16' ? f16Inputs(cfg, seed) : matmulInputs(cfg, seed)),
  reference: referenceOf,
  // Without matrix units the CPU shows the same numbers in the same types (summed in order).
  emulate: (cfg, inputs) => (cfg.elem === 'f16' ? f16EmulateOf(cfg.result, cfg, inputs) : matmulEmulateOf(cfg, inputs)),
  plan: (cfg, inputs, caps) => {
    const kernel = kernelOf(cfg, caps);
    if (typeof kernel === 'string') throw new Error(kernel);
    const a = kernel.elem === 'f16' ? unpackF16(inputs.a as Uint32Array, cfg.M * cfg.K) : (inputs.a as Float32Array);
    const b = kernel.elem === 'f16' ? unpackF16(inputs.b as Uint32Array, cfg.K * cfg.N) : (inputs.b as Float32Array);
    return subgroupMatrixPlan(cfg, kernel, a, b, 'native');
  },
  work: (cfg) => matmulWorkOf(cfg, cfg.elem === 'f16' ? 2 : 4),
  shape: matmulShapeText,
  notes: ({ tiling: { SM, SN, WGM, WGN } }) => [
    `Each subgroup owns ${SM}×${SN} result fragments and each workgroup ${WGM}×${WGN} subgroups; a fragment's shape (8×8, 16×16…) is whatever your adapter's matrix units offer, and its values are spread across the subgroup's lanes in a layout the hardware keeps to itself — so no per-invocation tiling is drawn. Per K-step of a fragment, each subgroup loads ${SM} fragments of A and ${SN} of B and issues ${SM * SN} matrix multiply-accumulates.`,
  ],
  traffic: trafficOf,
});
