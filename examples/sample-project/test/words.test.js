import assert from 'node:assert/strict';
import {test} from 'node:test';
import {titleCase, wordCount} from '../src/index.js';

test('wordCount counts words', () => {
  assert.equal(wordCount("it's a small world"), 4);
  assert.equal(wordCount(''), 0);
});

test('titleCase capitalizes each word', () => {
  assert.equal(titleCase('hello wORLD'), 'Hello World');
});
