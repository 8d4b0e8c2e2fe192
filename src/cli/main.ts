import {readFileSync} from 'node:fs';

// `--version` is answered before anything else loads: start-up time matters for scripts.
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version: string}).version;
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-V')) {
  process.stdout.write(`${version}\n`);
} else {
  const {runCli} = await import('./cli.js');
  process.exitCode = await runCli(process.argv.slice(2), version);
}
