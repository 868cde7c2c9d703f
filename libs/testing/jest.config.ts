export default {
  displayName: 'testing',
  preset: '../../jest.preset.js',
  globalSetup: './src/global-setup.ts',
};
