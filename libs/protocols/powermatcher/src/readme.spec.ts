import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as lib from './index';

/** The README's example, transpiled and run against this lib, so the documentation stays correct. */
describe('README example', () => {
  it('PM-CL-5: builds a cluster, takes two bids, advances and prices both agents', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const source = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(source).toBeDefined();
    const { outputText } = ts.transpileModule(source as string, {
      compilerOptions: { module: ts.ModuleKind.CommonJS },
    });
    const lines: string[] = [];
    const requireLib = (id: string) => {
      if (id !== '@flexgrid/protocol-powermatcher') throw new Error(`unexpected import ${id}`);
      return lib;
    };
    new Function('require', 'exports', 'console', outputText)(
      requireLib,
      {},
      { log: (line: string) => lines.push(line) },
    );
    const basis = '{"commodity":"electricity","currency":"EUR","priceSteps":6,"minimumPrice":0.0,"maximumPrice":10.0}';
    expect(lines).toEqual([
      'round 1: price 3.666666666666667',
      `to pv-roof: {"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${basis},"bidNumber":7,"priceValue":3.666666666666667}}`,
      `to heat-pump: {"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${basis},"bidNumber":1,"priceValue":3.666666666666667}}`,
      'next run due at never',
    ]);
  });

  it('every export is documented in the Public API section', () => {
    const readme = readFileSync(join(__dirname, '../README.md'), 'utf8');
    const api = readme.slice(readme.indexOf('## Public API'));
    const missing = Object.keys(lib).filter((name) => !api.includes(`\`${name}`) && !api.includes(` ${name}(`));
    expect(missing).toEqual([]);
  });
});
