export default {
  displayName: 'simulators',
  preset: '../../jest.preset.js',
  globalSetup: '../../libs/testing/src/global-setup.ts',
  // Commands load lazily with import('./<protocol>/command.js'), the path Node needs at run time; jest runs the .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
