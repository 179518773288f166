// Environment that lets Dawn (the `webgpu` npm package) load a Vulkan driver on a machine
// without a GPU: Debian's Chromium ships SwiftShader (a CPU Vulkan) and a Vulkan loader.
// Variables already set by the user win, so a real GPU driver is used when configured.
import { existsSync } from 'node:fs';

const CHROMIUM_LIB = '/usr/lib/chromium';

export function dawnEnv(base = process.env) {
  const env = {};
  const icd = `${CHROMIUM_LIB}/vk_swiftshader_icd.json`;
  if (!base.VK_ICD_FILENAMES && existsSync(icd)) env.VK_ICD_FILENAMES = icd;
  if (existsSync(`${CHROMIUM_LIB}/libvulkan.so.1`)) {
    const parts = (base.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
    if (!parts.includes(CHROMIUM_LIB)) parts.push(CHROMIUM_LIB);
    env.LD_LIBRARY_PATH = parts.join(':');
  }
  return env;
}
