export default {
  displayName: 'p2p-producer',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
