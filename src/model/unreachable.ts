/** Marks a switch as exhaustive: compile error when a union member is not handled. */
export function unreachable(value: never): never {
  throw new Error(`Internal error: unexpected value ${JSON.stringify(value)}`);
}
