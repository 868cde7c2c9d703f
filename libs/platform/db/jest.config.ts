export default {
  displayName: 'platform-db',
  preset: '../../../jest.preset.js',
  globalSetup: '../../testing/src/global-setup.ts',
};
