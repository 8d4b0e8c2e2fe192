/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * Text for a Markdown table cell or list item: one line, `|` escaped, and `<`/`>` as entities so that a title such
 * as `<script>` shows as text wherever the Markdown is rendered.
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'))
    .replace(/([\\`*_[\]])/g, '\\$1')
    // After the backslashes above, or the escape itself would be escaped.
    .replace(/\|/g, '\\|');
}

/** Inline code that survives backticks inside: the fence is longer than any run of backticks in the text. */
export function mdCode(text: string): string {
  const one = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/** A fenced block that cannot be closed early by the text inside. */
export function mdBlock(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\s+$/, '')}\n${fence}`;
}
