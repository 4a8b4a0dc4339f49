/** Tests drive real parts: the emulator over HTTPS, real MSAL, real n8n-core contexts. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/emulator/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testTimeout: 60000,
  // Every file ends with a scan of what it showed (output, errors, logs) for secrets and tokens.
  setupFilesAfterEnv: ['<rootDir>/test/harness/leakWatch.setup.ts'],
};
