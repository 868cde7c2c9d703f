export default {
  displayName: 'platform-db',
  preset: '../../../jest.preset.js',
};
