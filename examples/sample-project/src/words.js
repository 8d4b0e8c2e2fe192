/**
 * Counts the words of a text (runs of letters, digits and apostrophes).
 * @param {string} text
 * @returns {number}
 */
export function wordCount(text) {
  return (text.match(/[\p{L}\p{N}']+/gu) ?? []).length;
}

/**
 * Capitalizes the first letter of every word.
 * @param {string} text
 * @returns {string}
 */
export function titleCase(text) {
  return text.replace(/[\p{L}\p{N}']+/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}
