export default {
  displayName: 's2-analyze',
  preset: '../../jest.preset.js',
};
