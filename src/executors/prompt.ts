import {commandText, type Task, type TaskId} from '../model/index.js';

/** What a prompt is built from: the task and what its dependencies returned. */
export interface PromptInput {
  readonly task: Task;
  readonly upstream: readonly {readonly task: TaskId; readonly title: string; readonly result?: string}[];
  /** The plan's name, for context. */
  readonly planName?: string;
  /** True when the task runs in its own worktree that paraplan commits: the agent is told not to commit. */
  readonly worktree?: boolean;
  /** A file the response is saved to (llm tasks), mentioned so the model writes only the file's content. */
  readonly outputFile?: string;
}

/** Upstream results longer than this are cut (from the middle) so one chatty dependency cannot crowd out the task. */
export const MAX_UPSTREAM_RESULT_CHARS = 8000;

/**
 * The prompt for an agent or an LLM: title, description, instructions, success criteria (prose and the commands
 * that will check them), what to return, and what the dependencies returned. Plain Markdown text; it is passed
 * to the agent as one argv element or on stdin and never seen by a shell.
 */
export function buildPrompt(input: PromptInput): string {
  const {task} = input;
  const parts: string[] = [`# Task ${task.id}: ${task.title}`];
  if (input.planName) parts.push(`Part of the plan "${input.planName}".`);
  if (task.description) parts.push(task.description.trim());
  if (task.instructions) parts.push(`## Instructions\n\n${task.instructions.trim()}`);
  const criteria = [...task.criteria.map((c) => `- ${c}`), ...task.verify.map((v) => `- This command must exit 0 in the working folder: \`${v.name ?? commandText(v.command)}\``)];
  if (criteria.length) parts.push(`## Success criteria\n\n${criteria.join('\n')}`);
  if (task.deliverables.length) parts.push(`## Deliverables\n\n${task.deliverables.map((d) => `- ${d}`).join('\n')}`);
  if (task.files.length) parts.push(`## Files\n\nWork within: ${task.files.map((f) => `\`${f}\``).join(', ')}`);
  if (task.testStrategy) parts.push(`## Test strategy\n\n${task.testStrategy.trim()}`);
  if (input.upstream.length) {
    const lines = input.upstream.map((u) => {
      const result = u.result?.trim();
      return result ? `### ${u.task}: ${u.title}\n\n${cut(result)}` : `### ${u.task}: ${u.title}\n\n(done; it returned nothing)`;
    });
    parts.push(`## What the tasks this one depends on returned\n\n${lines.join('\n\n')}`);
  }
  const ret = [task.returns ? `Return: ${task.returns.trim()}` : 'End with a short summary of what you did and anything left undone.'];
  if (input.outputFile) ret.push(`Your answer is saved as the file \`${input.outputFile}\`: reply with the file's content only.`);
  parts.push(`## What to return\n\n${ret.join('\n')}`);
  if (input.worktree) {
    parts.push('## Working folder\n\nYou work in a git worktree of your own, on your own branch, which already contains the work of the tasks above. Do not commit or switch branches: your changes are committed and verified after you finish.');
  }
  return `${parts.join('\n\n')}\n`;
}

function cut(text: string): string {
  if (text.length <= MAX_UPSTREAM_RESULT_CHARS) return text;
  const half = MAX_UPSTREAM_RESULT_CHARS / 2;
  return `${text.slice(0, half)}\n[… ${text.length - MAX_UPSTREAM_RESULT_CHARS} characters cut …]\n${text.slice(-half)}`;
}
