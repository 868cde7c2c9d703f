export default {
  displayName: 'platform-kafka',
  preset: '../../../jest.preset.js',
};
