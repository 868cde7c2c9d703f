export default {
  displayName: 'protocol-s2',
  preset: '../../../jest.preset.js',
};
