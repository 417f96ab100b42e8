import type {Config} from 'jest';

/**
 * One jest run covers every backend available on the machine: each spec file
 * iterates over `availableBackends()` from test/backends.ts.
 */
const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json', diagnostics: false}]},
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  testTimeout: 120000,
};

export default config;
