export default {
  displayName: 'protocol-openadr',
  preset: '../../../jest.preset.js',
};
