export default {
  displayName: 'protocol-p2p',
  preset: '../../../jest.preset.js',
};
