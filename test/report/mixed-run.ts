import {join} from 'node:path';
import {paraplan, tempDir} from '../helpers/cli.js';

/**
 * A plan with every outcome the report must tell apart, for real runs of the built CLI:
 * - `setup` succeeds with a verify command (verified); `build` succeeds without one (completed, unverified) in the second run;
 * - `lint` passes its command and fails verification; its title and output hold `<script>`;
 * - `slow` times out; `deploy` is not run because `lint` failed; `docs` is skipped (done in the plan);
 * - `flaky` fails its first attempt of each run, is retried, and succeeds;
 * - `build` fails in the first run and succeeds in the second (what the before/after table shows).
 */
export const MIXED_PLAN = `name: mixed outcomes
concurrency: 2
tasks:
  - id: setup
    title: Set up
    priority: critical
    estimate: 1s
    run: {shell: "echo setting up; sleep 0.3"}
    verify: [[test, -n, x]]
    criteria: [The setup script exits 0]
  - id: lint
    title: "Lint <script>window.pwned=1</script>"
    priority: high
    estimate: 1s
    run: [echo, linting]
    verify: [{name: eslint, run: {shell: "echo '<script>window.pwned=2</script> 3 problems'; exit 1"}}]
  - id: slow
    title: Slow suite
    priority: high
    run: [sleep, "5"]
    timeout: 1s
  - id: deploy
    title: Deploy
    needs: [lint]
    run: [echo, deploy]
  - id: flaky
    title: Flaky e2e
    estimate: 2s
    run: {shell: "if [ \\"$PARAPLAN_ATTEMPT\\" = 1 ]; then echo first attempt fails; exit 3; fi; echo ok"}
    retries: 1
    verify: [[test, -d, .]]
  - id: build
    title: Build
    needs: [setup]
    run: {shell: "if [ -f built-once ]; then echo building; else touch built-once; echo no compiler yet; exit 2; fi"}
  - id: docs
    title: Docs
    done: true
    run: [echo, docs]
`;

export interface MixedRuns {
  readonly dir: string;
  readonly stateDir: string;
  readonly db: string;
}

/** Runs the mixed plan twice in a new folder (the second run is the one reported; the first is "previous"). */
export function runMixedPlanTwice(): MixedRuns {
  const dir = tempDir({'plan.yaml': MIXED_PLAN}, 'paraplan-report-e2e-');
  for (let i = 0; i < 2; i++) {
    const r = paraplan(['run', 'plan.yaml', '-j', '2'], {cwd: dir});
    if (r.code !== 1) throw new Error(`expected the mixed run to fail (exit 1), got ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  const stateDir = join(dir, '.paraplan');
  return {dir, stateDir, db: join(stateDir, 'paraplan.db')};
}
