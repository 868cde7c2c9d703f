export default {
  displayName: 'platform-kafka',
  preset: '../../../jest.preset.js',
  globalSetup: '../../testing/src/global-setup.ts',
};
