export {slugify} from './slugify.js';
export {wordCount, titleCase} from './words.js';
