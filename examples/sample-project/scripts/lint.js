// A small linter: no trailing spaces, no tabs, lines of at most 120 characters, no console.log in src/.
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

const problems = [];
for (const dir of ['src', 'test', 'scripts']) {
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
    const file = join(dir, name);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const at = `${file}:${i + 1}`;
        if (/[ \t]+$/.test(line)) problems.push(`${at}: trailing whitespace`);
        if (line.includes('\t')) problems.push(`${at}: tab`);
        if (line.length > 120) problems.push(`${at}: line longer than 120 characters`);
        if (dir === 'src' && line.includes('console.log')) problems.push(`${at}: console.log in library code`);
      });
  }
}
for (const p of problems) console.error(p);
console.log(`lint: ${problems.length} problem(s)`);
process.exit(problems.length ? 1 : 0);
