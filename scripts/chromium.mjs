// Debian's Chromium with WebGPU through SwiftShader (a CPU Vulkan) where the machine has no GPU:
// the browser and flags every browser test and script of this project launches (README,
// "Enabling WebGPU"). The background-networking flags keep it from calling out on a closed network.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-unsafe-swiftshader',
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
