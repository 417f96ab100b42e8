// Loading of the optional tfjs backends (tfjs-node, webgpu through Dawn), shared by the tests,
// the benchmark and the examples. Run as a script, it prints the comma-separated list of
// backends usable in this environment, plus `chromium` when a headless Chromium can be driven
// for the browser specs (test global setup probes native bindings this way).
const fs = require('fs');
const path = require('path');

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM = '/usr/bin/chromium';

/** Loads tfjs-node; true when its `tensorflow` backend is registered. */
function loadTfjsNode(tf) {
  // TensorFlow's C++ logging is silenced unless the user asked for it.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    require('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') !== null || tf.findBackendFactory('tensorflow') !== null;
  } catch {
    return false;
  }
}

/**
 * Dawn's native module from the npm `webgpu` package. Loaded directly rather than through the
 * package's ES-module entry, which jest's CommonJS runtime cannot import.
 */
function loadDawn() {
  const root = path.dirname(require.resolve('webgpu/package.json'));
  const arch = process.platform === 'darwin' ? 'universal' : process.arch;
  return require(path.join(root, 'dist', `${process.platform}-${arch}`, 'dawn.node'));
}

/**
 * Gives this context `navigator.gpu` from Dawn (npm `webgpu`), using SwiftShader's Vulkan
 * driver when no other is configured, then loads tfjs's webgpu backend. True on success.
 */
function installWebgpu() {
  try {
    if (process.env.VK_ICD_FILENAMES === undefined && fs.existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    if (globalThis.navigator === undefined || globalThis.navigator.gpu === undefined) {
      const dawn = loadDawn();
      Object.assign(globalThis, dawn.globals);
      Object.defineProperty(globalThis, 'navigator', {
        value: {gpu: dawn.create([])},
        configurable: true,
      });
    }
    require('@tensorflow/tfjs-backend-webgpu');
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium executable for the browser specs (`TFN_CHROMIUM`, else Debian's
 * `/usr/bin/chromium`), or null when it or the npm `playwright-core` that drives it is missing.
 */
function findChromium() {
  const executable = process.env.TFN_CHROMIUM || CHROMIUM;
  try {
    require.resolve('playwright-core');
  } catch {
    return null;
  }
  return fs.existsSync(executable) ? executable : null;
}

async function main() {
  const tf = require('@tensorflow/tfjs');
  const names = ['cpu'];
  if (loadTfjsNode(tf)) {
    names.push('tensorflow');
  }
  if (installWebgpu() && (await tf.setBackend('webgpu'))) {
    names.push('webgpu');
  }
  if (findChromium() !== null) {
    names.push('chromium');
  }
  process.stdout.write(names.join(','));
  process.exit(0);
}

module.exports = {findChromium, installWebgpu, loadTfjsNode};

if (require.main === module) {
  main();
}
