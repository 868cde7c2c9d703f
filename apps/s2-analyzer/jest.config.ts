export default {
  displayName: 's2-analyzer',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
