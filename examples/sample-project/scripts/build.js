// Builds the library into out/lib: the sources, a package.json without dev fields, and a banner.
import {cpSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
mkdirSync('out/lib', {recursive: true});
cpSync('src', 'out/lib', {recursive: true});
const published = {name: pkg.name, version: pkg.version, type: 'module', main: 'index.js', license: pkg.license};
writeFileSync('out/lib/package.json', JSON.stringify(published, null, 2) + '\n');
writeFileSync('out/lib/BUILD', `${pkg.name} ${pkg.version}\n`);
console.log(`built ${pkg.name} ${pkg.version} into out/lib`);
