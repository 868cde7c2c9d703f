export default {
  displayName: 'xml',
  preset: '../../jest.preset.js',
};
