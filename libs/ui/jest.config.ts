export default {
  displayName: 'ui',
  preset: '../../jest.preset.js',
};
