// Marks the two build outputs with their module systems, so Node loads dist/esm as ES modules
// and dist/cjs as CommonJS whatever the root package.json says.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', 'dist');
fs.writeFileSync(path.join(root, 'esm', 'package.json'), '{"type": "module"}\n');
fs.writeFileSync(path.join(root, 'cjs', 'package.json'), '{"type": "commonjs"}\n');
