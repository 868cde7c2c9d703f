export default {
  displayName: 'k8s-validate',
  preset: '../../jest.preset.js',
};
