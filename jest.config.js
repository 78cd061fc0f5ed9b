const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
};

module.exports = {
  testEnvironment: 'node',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', swc] },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uid|file-type|token-types|strtok3|@tokenizer|uint8array-extras|@borewit|idn-area-data|jose|oidc-provider)/)'],
  testTimeout: 30000,
  // Names what was skipped for want of a program, and the command that installs it.
  reporters: ['default', '<rootDir>/test/support/not-run-reporter.js'],
};
