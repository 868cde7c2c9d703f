export default {
  displayName: 'p2p-grid',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
