import assert from 'node:assert/strict';
import {test} from 'node:test';
import {slugify} from '../src/index.js';

test('slugify lowercases and dashes', () => {
  assert.equal(slugify('Hello, World!'), 'hello-world');
});

test('slugify drops accents', () => {
  assert.equal(slugify('Crème brûlée'), 'creme-brulee');
});

test('slugify trims dashes', () => {
  assert.equal(slugify('  --a b--  '), 'a-b');
});
