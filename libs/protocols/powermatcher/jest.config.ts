export default {
  displayName: 'protocol-powermatcher',
  preset: '../../../jest.preset.js',
};
