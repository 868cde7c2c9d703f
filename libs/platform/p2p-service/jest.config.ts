export default {
  displayName: 'p2p-service',
  preset: '../../../jest.preset.js',
};
