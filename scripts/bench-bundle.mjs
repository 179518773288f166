#!/usr/bin/env node
// npm run bench:bundle — writes bench-bundle/: the bench (scripts/bench.ts and everything it
// imports) bundled into one script, the Dawn binary it loads, the public/ files some variants
// read, and a Vulkan loader to fall back on. On any Linux x86-64 machine with Node 18+ and a
// Vulkan driver, and nothing else (no npm, no node_modules):
//
//     node bench.mjs matmul --json > matmul.json
//     node scan-copy.mjs --json > scan-copy.json      (scripts/scan-copy-ratio.ts)
//
// It uses the machine's own Vulkan driver; the carried loader (lib/libvulkan.so.1, Khronos'
// loader as Debian's Chromium ships it) is used only when the system has none.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'bench-bundle';
const DAWN = 'node_modules/webgpu/dist/linux-x64/dawn.node';
const LOADER = '/usr/lib/chromium/libvulkan.so.1';

rmSync(OUT, { recursive: true, force: true });
mkdirSync(join(OUT, 'dist', 'linux-x64'), { recursive: true });

// Before anything else runs: where public/ is, and a restart with the carried Vulkan loader on
// the library path when the system has none (the dynamic loader reads LD_LIBRARY_PATH only at
// process start).
const banner = `
import { createRequire as __kl_createRequire } from 'node:module';
import { spawnSync as __kl_spawnSync } from 'node:child_process';
import { existsSync as __kl_existsSync } from 'node:fs';
import { fileURLToPath as __kl_fileURLToPath } from 'node:url';
const require = __kl_createRequire(import.meta.url);
{
  const here = __kl_fileURLToPath(new URL('.', import.meta.url));
  process.env.KERNEL_LAB_PUBLIC_DIR ??= here + 'public';
  const systemLoader = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib64/libvulkan.so.1', '/usr/lib/libvulkan.so.1', '/lib/x86_64-linux-gnu/libvulkan.so.1'].some((p) => __kl_existsSync(p))
    || (process.env.LD_LIBRARY_PATH ?? '').split(':').some((d) => d && __kl_existsSync(d + '/libvulkan.so.1'));
  if (!systemLoader && !process.env.KERNEL_LAB_BUNDLE_RESTARTED && __kl_existsSync(here + 'lib/libvulkan.so.1')) {
    const env = { ...process.env, KERNEL_LAB_BUNDLE_RESTARTED: '1', LD_LIBRARY_PATH: [here + 'lib', process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
    const r = __kl_spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env });
    process.exit(r.status ?? 1);
  }
}
`;

await build({
  // The bench, and the scans-against-copy measurement in alternating passes.
  entryPoints: { bench: 'scripts/bench.ts', 'scan-copy': 'scripts/scan-copy-ratio.ts' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node18',
  outdir: OUT,
  outExtension: { '.js': '.mjs' },
  banner: { js: banner },
  logLevel: 'warning',
  legalComments: 'none',
});

cpSync(DAWN, join(OUT, 'dist', 'linux-x64', 'dawn.node'));
cpSync('public', join(OUT, 'public'), { recursive: true });
if (existsSync(LOADER)) {
  mkdirSync(join(OUT, 'lib'), { recursive: true });
  cpSync(LOADER, join(OUT, 'lib', 'libvulkan.so.1'));
}
writeFileSync(
  join(OUT, 'README.txt'),
  `Kernel Lab benchmark bundle (built ${new Date().toISOString()}).

Needs: Linux x86-64, Node 18 or newer, a Vulkan driver. Nothing else.

  node bench.mjs --help
  node bench.mjs matmul --json > matmul.json      # one record per measurement
  node bench.mjs matmul quant sparse scan          # a table
  node scan-copy.mjs --json > scan-copy.json       # scans against the copy roof, L = 2^22

Every result is checked against a float64 reference; compare variants as ratios from one run.
`,
);

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((s, f) => s + size(join(p, f)), 0) : statSync(p).size);
const total = size(OUT);
console.log(
  `${OUT}/: ${(total / 2 ** 20).toFixed(1)} MiB (bench.mjs ${(size(join(OUT, 'bench.mjs')) / 2 ** 20).toFixed(2)} MiB, scan-copy.mjs ${(size(join(OUT, 'scan-copy.mjs')) / 2 ** 20).toFixed(2)} MiB, dawn.node ${(size(DAWN) / 2 ** 20).toFixed(1)} MiB)`,
);
if (total > 60 * 2 ** 20) {
  console.error('the bundle is over 60 MiB');
  process.exit(1);
}
