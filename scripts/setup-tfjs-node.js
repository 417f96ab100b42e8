#!/usr/bin/env node
/**
 * Makes @tensorflow/tfjs-node's native binding work (npm run setup:tfjs-node).
 *
 * The repo installs with ignore-scripts=true, so tfjs-node's install script (which downloads
 * libtensorflow and the prebuilt binding) never ran. This script:
 *   0. Checks, in a child process, whether tfjs-node already loads with backend 'tensorflow'
 *      and runs an op; if so it exits at once.
 *   1. Runs tfjs-node's own install script (scripts/install.js) with a short timeout. It needs
 *      storage.googleapis.com (libtensorflow 2.9.1 and the prebuilt binding).
 *   2. Otherwise (firewalled machine) takes the TensorFlow C libraries from the tensorflow-cpu
 *      pip wheel (pip index only, cached in node_modules/.cache/tfjs-norm-tf-wheel):
 *      libtensorflow_cc.so.2 + libtensorflow_framework.so.2 go to deps/lib (with the
 *      libtensorflow.so / libtensorflow_framework.so links binding.gyp links against), the
 *      C API headers to deps/include, and the binding is built from source with node-pre-gyp
 *      (needs python3, make and a C++ compiler; node-gyp uses npm's nodedir if set).
 * Each path ends with the same child-process check. Exit code 0 = working, 1 = not.
 *
 * Environment overrides:
 *   TFJS_NORM_TF_WHEEL_SPEC       pip requirement of the wheel, NAME==VERSION
 *                                 (default tensorflow-cpu==2.21.0)
 *   TFJS_NORM_INSTALL_TIMEOUT_S   timeout of path 1 in seconds (default 60)
 */
'use strict';

const {spawn} = require('child_process');
const fs = require('fs');
const path = require('path');

const TFJS_NODE_DIR = path.dirname(require.resolve('@tensorflow/tfjs-node/package.json'));
const NODE_MODULES_DIR = path.resolve(TFJS_NODE_DIR, '..', '..');
const PROJECT_DIR = path.dirname(NODE_MODULES_DIR);
const DEPS_DIR = path.join(TFJS_NODE_DIR, 'deps');
const DEPS_LIB_DIR = path.join(DEPS_DIR, 'lib');
const DEPS_INCLUDE_DIR = path.join(DEPS_DIR, 'include');
const WHEEL_CACHE_DIR = path.join(NODE_MODULES_DIR, '.cache', 'tfjs-norm-tf-wheel');

const WHEEL_SPEC = process.env.TFJS_NORM_TF_WHEEL_SPEC || 'tensorflow-cpu==2.21.0';
const INSTALL_TIMEOUT_S = Number(process.env.TFJS_NORM_INSTALL_TIMEOUT_S) || 60;
const CHECK_TIMEOUT_S = 120;
const PIP_TIMEOUT_S = 600;
const EXTRACT_TIMEOUT_S = 300;
const BUILD_TIMEOUT_S = 600;

/** Wheel member (under tensorflow/) -> link name that `-ltensorflow...` resolves to. */
const WHEEL_LIBS = {
  'libtensorflow_cc.so.2': 'libtensorflow.so',
  'libtensorflow_framework.so.2': 'libtensorflow_framework.so',
};
/**
 * Header dirs under the wheel's tensorflow/include/ that the binding's C API includes pull in
 * (c_api.h -> tf_tstring.h -> tsl/platform/ctstring.h, tf_status.h -> xla/tsl/c/...). The
 * whole include tree is ~290 MB / 13k files (Eigen, absl, protobuf, ...); these are ~6 MB.
 */
const INCLUDE_SUBDIRS = ['tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/'];

/** Python program that extracts the libraries and headers from the wheel (a zip file). */
const EXTRACT_PY = `
import os, shutil, sys, zipfile
wheel, lib_dir, inc_dir, libs, subdirs = sys.argv[1:6]
libs = set(libs.split(','))
inc_root = 'tensorflow/include/'
prefixes = tuple(inc_root + d for d in subdirs.split(','))
found = set()
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        name = info.filename
        if info.is_dir() or '..' in name.split('/'):
            continue
        base = name[len('tensorflow/'):]
        if name.startswith('tensorflow/') and base in libs:
            dest = os.path.join(lib_dir, base)
            found.add(base)
        elif name.startswith(prefixes):
            dest = os.path.join(inc_dir, name[len(inc_root):])
        else:
            continue
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with z.open(info) as src, open(dest, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
missing = sorted(libs - found)
if missing:
    sys.exit('not in the wheel: ' + ', '.join('tensorflow/' + m for m in missing))
`;

/** Child-process program: loads tfjs-node, checks the backend and runs a tiny op. */
const CHECK_JS = `
const tf = require(${JSON.stringify(TFJS_NODE_DIR)});
const backend = tf.getBackend();
if (backend !== 'tensorflow') throw new Error('backend is ' + backend + ', not tensorflow');
const sum = tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0];
if (sum !== 14) throw new Error('sum(square([1, 2, 3])) gave ' + sum + ', expected 14');
`;

let currentChild = null;

function log(message) {
  console.log(`tfjs-node: ${message}`);
}

function seconds(startMs) {
  return `${((Date.now() - startMs) / 1000).toFixed(1)} s`;
}

/**
 * Runs a command in its own process group, capturing stdout+stderr. On timeout the whole
 * group (e.g. npx -> node-pre-gyp -> node-gyp -> make -> g++) is killed.
 * Resolves to { ok, timedOut, output, reason }.
 */
function run(command, args, {cwd = PROJECT_DIR, env = process.env, timeoutS}) {
  return new Promise((resolve) => {
    const stdio = ['ignore', 'pipe', 'pipe'];
    const child = spawn(command, args, {cwd, env, stdio, detached: true});
    currentChild = child;
    const chunks = [];
    let timedOut = false;
    child.stdout.on('data', (data) => chunks.push(data));
    child.stderr.on('data', (data) => chunks.push(data));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutS * 1000);
    const finish = (code, error) => {
      clearTimeout(timer);
      currentChild = null;
      const output = Buffer.concat(chunks).toString();
      const ok = code === 0 && !timedOut && !error;
      let reason = '';
      if (timedOut) reason = `timed out after ${timeoutS} s`;
      else if (error) reason = `could not start ${command}: ${error.message}`;
      else if (!ok) reason = errorLine(output) || `${command} exited with ${code}`;
      resolve({ok, timedOut, output, reason});
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code, null));
  });
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The most telling line of a failed command's output: its first error line, else its last. */
function errorLine(output) {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const isError = (line) => /^(\w*Error\b|ERROR\b)|\b(fatal error|error):/.test(line);
  const line = lines.find(isError) || lines[lines.length - 1];
  return line === undefined ? '' : line.slice(0, 300);
}

function printTail(output, count = 15) {
  const lines = output.trimEnd().split('\n').slice(-count);
  for (const line of lines) console.log(`    | ${line}`);
}

function checkBinding() {
  const env = {...process.env, TF_CPP_MIN_LOG_LEVEL: '2'};
  return run(process.execPath, ['-e', CHECK_JS], {env, timeoutS: CHECK_TIMEOUT_S});
}

async function verify(label) {
  const start = Date.now();
  const result = await checkBinding();
  if (result.ok) log(`${label}: binding works (backend tensorflow, ${seconds(start)})`);
  else log(`${label}: binding still not working: ${result.reason}`);
  return result.ok;
}

/** Path 1: tfjs-node's own installer, as `npm install` would have run it. */
async function runOwnInstaller() {
  const start = Date.now();
  log(`path 1: running tfjs-node's install script (timeout ${INSTALL_TIMEOUT_S} s) ...`);
  // install.js rewrites tfjs-node's package.json while it builds; restore it whatever happens.
  const packageJsonPath = path.join(TFJS_NODE_DIR, 'package.json');
  const packageJson = fs.readFileSync(packageJsonPath);
  let result;
  try {
    result = await run('npx', ['--no', '--', 'node', 'scripts/install.js'], {
      cwd: TFJS_NODE_DIR,
      timeoutS: INSTALL_TIMEOUT_S,
    });
  } finally {
    fs.writeFileSync(packageJsonPath, packageJson);
  }
  if (!result.ok) {
    log(`path 1: failed after ${seconds(start)}: ${result.reason}`);
    return result.reason;
  }
  log(`path 1: install script finished (${seconds(start)})`);
  return (await verify('path 1')) ? null : 'install script ran but the binding does not load';
}

/** Parses NAME==VERSION into the wheel file-name prefix, e.g. tensorflow_cpu-2.21.0-. */
function wheelPrefix(spec) {
  const match = /^\s*([A-Za-z0-9._-]+)\s*==\s*([A-Za-z0-9._+!-]+)\s*$/.exec(spec);
  if (!match) throw new Error(`TFJS_NORM_TF_WHEEL_SPEC must be NAME==VERSION, got "${spec}"`);
  const name = match[1].toLowerCase().replace(/[-_.]+/g, '_');
  return `${name}-${match[2]}-`;
}

function findCachedWheel(prefix) {
  if (!fs.existsSync(WHEEL_CACHE_DIR)) return null;
  const file = fs
    .readdirSync(WHEEL_CACHE_DIR)
    .find((name) => name.toLowerCase().startsWith(prefix) && name.endsWith('.whl'));
  return file === undefined ? null : path.join(WHEEL_CACHE_DIR, file);
}

function sizeMb(file) {
  return `${Math.round(fs.statSync(file).size / 1e6)} MB`;
}

/** Returns the path of the wheel, downloading it with pip unless it is cached. */
async function ensureWheel() {
  const prefix = wheelPrefix(WHEEL_SPEC);
  const cached = findCachedWheel(prefix);
  if (cached) {
    log(`path 2: using cached wheel ${path.basename(cached)} (${sizeMb(cached)})`);
    return cached;
  }
  const start = Date.now();
  log(`path 2: downloading ${WHEEL_SPEC.replace('==', ' ')} wheel via pip ...`);
  fs.mkdirSync(WHEEL_CACHE_DIR, {recursive: true});
  const pipArgs = ['-m', 'pip', 'download', '--no-deps', '--retries', '0', '--timeout', '3'];
  const result = await run('python3', [...pipArgs, '-d', WHEEL_CACHE_DIR, WHEEL_SPEC], {
    timeoutS: PIP_TIMEOUT_S,
  });
  const wheel = findCachedWheel(prefix);
  if (!result.ok || !wheel) {
    printTail(result.output);
    throw new Error(`pip download of ${WHEEL_SPEC} failed: ${result.reason || 'no wheel'}`);
  }
  log(`path 2: downloaded ${path.basename(wheel)} (${sizeMb(wheel)}, ${seconds(start)})`);
  return wheel;
}

/** Fresh deps/: the two libraries, their link names and the C API headers. */
async function stageDeps(wheel) {
  const start = Date.now();
  log('path 2: extracting TensorFlow C libraries and headers into deps/ ...');
  fs.rmSync(DEPS_DIR, {recursive: true, force: true});
  fs.mkdirSync(DEPS_LIB_DIR, {recursive: true});
  fs.mkdirSync(DEPS_INCLUDE_DIR, {recursive: true});
  const libs = Object.keys(WHEEL_LIBS).join(',');
  const args = ['-c', EXTRACT_PY, wheel, DEPS_LIB_DIR, DEPS_INCLUDE_DIR, libs];
  const result = await run('python3', [...args, INCLUDE_SUBDIRS.join(',')], {
    timeoutS: EXTRACT_TIMEOUT_S,
  });
  if (!result.ok) {
    printTail(result.output);
    // A truncated or foreign wheel would fail the same way next time; let pip fetch it again.
    fs.rmSync(wheel, {force: true});
    throw new Error(`extracting from ${path.basename(wheel)} failed: ${result.reason}`);
  }
  for (const [file, link] of Object.entries(WHEEL_LIBS)) {
    fs.chmodSync(path.join(DEPS_LIB_DIR, file), 0o755);
    fs.symlinkSync(file, path.join(DEPS_LIB_DIR, link));
  }
  log(`path 2: deps/ ready (${seconds(start)})`);
}

async function buildBinding() {
  const start = Date.now();
  log('path 2: building the binding from source with node-pre-gyp (about 30 s) ...');
  const args = ['--no', '--', 'node-pre-gyp', 'install', '--build-from-source'];
  const result = await run('npx', args, {cwd: TFJS_NODE_DIR, timeoutS: BUILD_TIMEOUT_S});
  if (!result.ok) {
    printTail(result.output);
    throw new Error(`building the binding failed: ${result.reason}`);
  }
  log(`path 2: binding built (${seconds(start)})`);
}

/** Path 2: libraries from the pip wheel, binding built locally. */
async function buildFromWheel() {
  if (process.platform !== 'linux') return `only supported on Linux, not ${process.platform}`;
  try {
    await stageDeps(await ensureWheel());
    await buildBinding();
  } catch (error) {
    log(`path 2: ${error.message}`);
    return error.message;
  }
  return (await verify('path 2')) ? null : 'binding was built but does not load';
}

function printFailure(reason1, reason2) {
  console.error(
    [
      'tfjs-node: ERROR: could not get a working tfjs-node native binding. Tried:',
      `  1. tfjs-node's install script (needs storage.googleapis.com): ${reason1}`,
      `  2. libraries from the pip wheel ${WHEEL_SPEC} + build from source: ${reason2}`,
      'To fix, either run this script again with internet access, or make',
      `  python3 -m pip download --no-deps ${WHEEL_SPEC}`,
      'work (an index or --find-links that has that wheel; TFJS_NORM_TF_WHEEL_SPEC selects',
      'another version) and install python3, make and a C++ compiler for node-gyp.',
    ].join('\n'),
  );
}

async function main() {
  const start = Date.now();
  const initial = await checkBinding();
  if (initial.ok) {
    log('already working (backend tensorflow)');
    return 0;
  }
  log(`native binding not working yet: ${initial.reason}`);
  const reason1 = await runOwnInstaller();
  if (reason1 === null) {
    log(`working via tfjs-node's install script (total ${seconds(start)})`);
    return 0;
  }
  const reason2 = await buildFromWheel();
  if (reason2 === null) {
    log(`working via the ${WHEEL_SPEC} wheel (total ${seconds(start)})`);
    return 0;
  }
  printFailure(reason1, reason2);
  return 1;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (currentChild) killGroup(currentChild);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`tfjs-node: ERROR: ${error.stack || error}`);
    process.exit(1);
  },
);
