export default {
  displayName: 'simulators',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
};
