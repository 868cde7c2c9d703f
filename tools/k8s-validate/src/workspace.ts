import { join } from 'node:path';

/** The repository root: deploy/, apps/ and libs/ are read from here, never copied. */
export const workspaceRoot = join(__dirname, '../../..');
