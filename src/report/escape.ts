/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * Text for one line of Markdown (a list item, a heading, a table cell): newlines become spaces and Markdown syntax
 * is backslash-escaped, so a title such as `<script>` or `*x*` shows as typed wherever the Markdown is rendered.
 * Backslash escapes, not HTML entities: the raw Markdown stays readable (`echo x >&2`, not `&gt;&amp;2`). `<` is
 * escaped (it could open raw HTML), `&` only where it would read as an entity (`&amp;`), `>` only at the start
 * (a quote). `|` is left alone: {@link mdRow} escapes it in table cells, the only place it means something.
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/([\\`*_[\]<])/g, '\\$1')
    .replace(/&(?=[A-Za-z][A-Za-z0-9]*;|#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};)/g, '\\&')
    .replace(/^(\s*)(>|#|[-+](?=\s))/, '$1\\$2');
}

/**
 * Inline code that survives backticks inside: the fence is longer than any run of backticks in the text. Nothing
 * inside is escaped: backslash escapes do not work in code spans (`\|` would print both characters). In a table,
 * {@link mdRow} escapes its pipes, which GitHub-flavoured Markdown requires even inside code.
 */
export function mdCode(text: string): string {
  const one = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = one.startsWith('`') || one.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${one}${pad}${fence}`;
}

/**
 * One row of a Markdown table from cells already formatted ({@link mdText}, {@link mdCode}): `|` is escaped in each
 * cell, code spans included (GitHub splits the row into cells before it reads code spans).
 */
export function mdRow(cells: readonly string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/** A fenced block that cannot be closed early by the text inside. */
export function mdBlock(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text.replace(/\s+$/, '')}\n${fence}`;
}
