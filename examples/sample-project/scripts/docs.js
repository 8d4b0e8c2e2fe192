// Generates out/docs/API.md from the JSDoc comments of src/.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const sections = [];
for (const name of readdirSync('src').filter((n) => n.endsWith('.js')).sort()) {
  const text = readFileSync(join('src', name), 'utf8');
  for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\/\s*export function (\w+)\(([^)]*)\)/g)) {
    const doc = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).filter((l) => l && !l.startsWith('@')).join(' ');
    sections.push(`## ${m[2]}(${m[3]})\n\n${doc.trim()}\n`);
  }
}
mkdirSync('out/docs', {recursive: true});
writeFileSync('out/docs/API.md', `# textkit API\n\n${sections.join('\n')}`);
console.log(`documented ${sections.length} functions in out/docs/API.md`);
