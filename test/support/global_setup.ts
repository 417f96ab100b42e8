import {execFileSync} from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Runs once before all test files: finds the backends this environment has and passes the
 * list to the workers through `TFN_AVAILABLE_BACKENDS` (read by test/support/backends.ts).
 */
export default function globalSetup(): void {
  if (process.env.VK_ICD_FILENAMES === undefined && fs.existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  const detected = execFileSync(
    'node',
    [path.join(__dirname, '..', '..', 'scripts', 'optional-backends.js')],
    {
      encoding: 'utf8',
      env: {...process.env, TF_CPP_MIN_LOG_LEVEL: '2'},
    },
  )
    .trim()
    .split(',');

  const wanted = process.env.TFN_TEST_BACKENDS?.split(',').map((s) => s.trim());
  if (wanted !== undefined) {
    const missing = wanted.filter((w) => !detected.includes(w));
    if (missing.length > 0) {
      throw new Error(`TFN_TEST_BACKENDS asks for unavailable backends: ${missing.join(', ')}`);
    }
  }
  const backends = wanted ?? detected;
  process.env.TFN_AVAILABLE_BACKENDS = backends.join(',');
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  console.log(`\ntfjs-norm tests run on backends: ${backends.join(', ')}`);
}
