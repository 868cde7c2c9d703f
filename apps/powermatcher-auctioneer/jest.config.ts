export default {
  displayName: 'powermatcher-auctioneer',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
  // The dashboard's pure logic (ui/*.spec.ts) runs in Node beside the service's tests.
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts', '<rootDir>/ui/**/*.spec.ts'],
};
