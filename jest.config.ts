import type {Config} from 'jest';

/**
 * One jest run covers every backend available on the machine: global setup detects them and
 * each spec repeats its suites per backend (test/support/backends.ts).
 */
const config: Config = {
  testEnvironment: '<rootDir>/test/support/environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json', diagnostics: false}]},
  moduleNameMapper: {'^(\\.{1,2}/.*)\\.js$': '$1'},
  globalSetup: '<rootDir>/test/support/global_setup.ts',
  testTimeout: 120000,
};

export default config;
