import baseConfig, { pureSource } from '../../eslint.config.mjs';

export default [...baseConfig, ...pureSource];
