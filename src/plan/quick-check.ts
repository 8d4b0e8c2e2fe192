/**
 * A quick test that passes only values a zod schema accepts as they are (its output would equal the input), compiled
 * from a {@link QuickSpec} without loading zod. Plans of 100,000 tasks spend most of their validation in zod's general
 * machinery, and loading zod alone costs about 60 ms, so normalize runs this first and calls zod only for what it does
 * not pass: zod stays the one schema and the one source of error messages.
 */

/** What the quick test knows of a schema (made by `quickSpec` in schema.ts; plain data, committed in quick-spec.ts). */
export type QuickSpec =
  | {readonly type: 'ask'}
  | {readonly type: 'string'; readonly min: number}
  | {readonly type: 'number'; readonly tests: readonly (readonly ['safeint'] | readonly ['>' | '>=' | '<' | '<=', number])[]}
  | {readonly type: 'boolean'}
  | {readonly type: 'unknown'}
  | {readonly type: 'enum'; readonly values: readonly string[]}
  | {readonly type: 'union'; readonly options: readonly QuickSpec[]}
  | {readonly type: 'array'; readonly min: number; readonly element: QuickSpec}
  | {readonly type: 'object'; readonly fields: Readonly<Record<string, QuickSpec>>; readonly required: readonly string[]; readonly other?: QuickSpec}
  | {readonly type: 'record'; readonly value: QuickSpec};

/** The spec of an object schema. */
export type ObjectSpec = Extract<QuickSpec, {type: 'object'}>;

/** Compiles a spec into a test: true means "zod would return this value unchanged", false "ask zod". */
export function compileQuick(spec: QuickSpec): (value: unknown) => boolean {
  switch (spec.type) {
    case 'ask':
      return () => false;
    case 'string': {
      const {min} = spec;
      return (v) => typeof v === 'string' && v.length >= min;
    }
    case 'number': {
      const tests = spec.tests.map((t): ((v: number) => boolean) => {
        if (t[0] === 'safeint') return Number.isSafeInteger;
        const bound = t[1];
        switch (t[0]) {
          case '>':
            return (v) => v > bound;
          case '>=':
            return (v) => v >= bound;
          case '<':
            return (v) => v < bound;
          case '<=':
            return (v) => v <= bound;
        }
      });
      return (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return false;
        for (let k = 0; k < tests.length; k++) if (!tests[k]!(v)) return false;
        return true;
      };
    }
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'unknown':
      return () => true;
    case 'enum': {
      const set = new Set<unknown>(spec.values);
      return (v) => set.has(v);
    }
    case 'union': {
      const options = spec.options.map(compileQuick);
      // A loop, not options.some(): no closure per value tested (hundreds of thousands in a large plan).
      return (v) => {
        for (let k = 0; k < options.length; k++) if (options[k]!(v)) return true;
        return false;
      };
    }
    case 'array': {
      const {min} = spec;
      const element = compileQuick(spec.element);
      return (v) => {
        if (!Array.isArray(v) || v.length < min) return false;
        for (let i = 0; i < v.length; i++) if (v[i] === undefined || !element(v[i])) return false;
        return true;
      };
    }
    case 'object': {
      const fields = new Map(Object.entries(spec.fields).map(([key, field]) => [key, compileQuick(field)]));
      const required = spec.required;
      const other = spec.other ? compileQuick(spec.other) : undefined;
      return (v) => {
        if (!isPlainRecord(v)) return false;
        for (const key of required) if (!Object.hasOwn(v, key)) return false;
        for (const key in v) {
          if (key === '__proto__' || !Object.hasOwn(v, key)) return false;
          const value = v[key];
          if (value === undefined) return false;
          const test = fields.get(key) ?? other;
          if (!test || !test(value)) return false;
        }
        return true;
      };
    }
    case 'record': {
      const value = compileQuick(spec.value);
      return (v) => {
        if (!isPlainRecord(v) || Object.hasOwn(v, 'constructor') || Object.getOwnPropertySymbols(v).length > 0) return false;
        for (const key in v) {
          if (key === '__proto__' || !Object.hasOwn(v, key) || v[key] === undefined || !value(v[key])) return false;
        }
        return true;
      };
    }
  }
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  // zod's output always has Object.prototype, so the input must too.
  return Object.getPrototypeOf(v) === Object.prototype;
}
