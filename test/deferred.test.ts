import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deferModules } from '../src/fonts/deferred.js';
import { tempTree } from './support/tmp.js';

const loads = globalThis as { fnLoads?: number; objLoads?: number };

describe('modules stood in for until used', () => {
  it('loads a module on its first use and forwards every use to it', () => {
    const dir = tempTree({
      'node_modules/parent/index.js': 'module.exports = 1;',
      'node_modules/fn-dep/index.js':
        'globalThis.fnLoads = (globalThis.fnLoads || 0) + 1; module.exports = function (a, b) { return a + b; };',
      'node_modules/obj-dep/index.js':
        'globalThis.objLoads = (globalThis.objLoads || 0) + 1; exports.add = (a, b) => a + b; exports.value = 42;',
    });
    const parent = path.join(dir, 'node_modules/parent/index.js');
    deferModules({ parent }, [
      { parent: 'parent', request: 'fn-dep', kind: 'function' },
      { parent: 'parent', request: 'obj-dep', kind: 'object' },
    ]);
    const require = createRequire(parent);
    const fn = require('fn-dep') as (a: number, b: number) => number;
    const obj = require('obj-dep') as { add(a: number, b: number): number; value: number };
    expect([loads.fnLoads, loads.objLoads]).toEqual([undefined, undefined]);
    expect(typeof fn).toBe('function');
    expect(fn(2, 3)).toBe(5);
    expect(loads.fnLoads).toBe(1);
    expect(Object.keys(obj)).toEqual(['add', 'value']);
    expect(obj.add(1, obj.value)).toBe(43);
    expect(loads.objLoads).toBe(1);
    // Now the real modules: loaded once each.
    expect((require('obj-dep') as { value: number }).value).toBe(42);
    expect(fn(1, 1)).toBe(2);
    expect([loads.fnLoads, loads.objLoads]).toEqual([1, 1]);
  });
});
