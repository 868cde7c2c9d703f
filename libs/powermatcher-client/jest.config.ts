export default {
  displayName: 'powermatcher-client',
  preset: '../../jest.preset.js',
};
