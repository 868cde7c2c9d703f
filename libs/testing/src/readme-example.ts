import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const REGION_START = '// #region README\n';
const REGION_END = '// #endregion';

/**
 * A lib's README example as documented and as tested: the first ```ts block of the README.md one folder
 * above `specFile`, and the `// #region README` … `// #endregion` region of `specFile`, whose `./index`
 * import is spelled with `packageName` as a reader would write it. A test asserts the two are equal, so the
 * documented example is the one that type-checks and runs.
 */
export function readmeExample(specFile: string, packageName: string): { documented?: string; tested: string } {
  const readme = readFileSync(join(dirname(specFile), '../README.md'), 'utf8');
  const source = readFileSync(specFile, 'utf8');
  const region = source.slice(source.indexOf(REGION_START) + REGION_START.length, source.indexOf(REGION_END));
  return {
    documented: /```ts\n([\s\S]*?)```/.exec(readme)?.[1],
    tested: region.replace("from './index'", `from '${packageName}'`),
  };
}
