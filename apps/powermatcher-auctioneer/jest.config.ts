export default {
  displayName: 'powermatcher-auctioneer',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
