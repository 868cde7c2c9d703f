export default {
  displayName: 'platform-service',
  preset: '../../../jest.preset.js',
};
