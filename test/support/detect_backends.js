// Loading of the optional tfjs backends, shared by the jest workers (test/support/backends.ts)
// and by global setup, which runs this file as a script to print the comma-separated list of
// backends usable in this environment (probing native bindings outside the test workers).
const fs = require('fs');

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Loads tfjs-node; true when its `tensorflow` backend is registered. */
function loadTfjsNode(tf) {
  try {
    require('@tensorflow/tfjs-node');
    return tf.findBackend('tensorflow') !== null || tf.findBackendFactory('tensorflow') !== null;
  } catch {
    return false;
  }
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
      const dawn = require('webgpu');
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

async function main() {
  const tf = require('@tensorflow/tfjs');
  const names = ['cpu'];
  if (loadTfjsNode(tf)) {
    names.push('tensorflow');
  }
  if (installWebgpu() && (await tf.setBackend('webgpu'))) {
    names.push('webgpu');
  }
  process.stdout.write(names.join(','));
  process.exit(0);
}

module.exports = {installWebgpu, loadTfjsNode};

if (require.main === module) {
  main();
}
