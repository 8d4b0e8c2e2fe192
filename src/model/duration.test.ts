import {describe, expect, it} from 'vitest';
import {formatDuration, parseDurationMs, parseEstimate} from './duration.js';

describe('parseEstimate', () => {
  it.each([
    ['15m', 15 * 60_000],
    ['2h', 2 * 3_600_000],
    ['1.5d', 1.5 * 8 * 3_600_000],
    ['30 minutes', 30 * 60_000],
    ['15 min', 15 * 60_000],
    ['1h30m', 90 * 60_000],
    ['1h 30m', 90 * 60_000],
    ['90s', 90_000],
    ['2 days', 16 * 3_600_000],
    ['1 week', 40 * 3_600_000],
    ['~30 min', 30 * 60_000],
  ])('reads %s', (text, ms) => {
    expect(parseEstimate(text)).toEqual({low: ms, high: ms, text});
  });

  it('keeps a range as low and high', () => {
    expect(parseEstimate('4-8h')).toEqual({low: 4 * 3_600_000, high: 8 * 3_600_000, text: '4-8h'});
    expect(parseEstimate('1 to 2 days')).toMatchObject({low: 8 * 3_600_000, high: 16 * 3_600_000});
    expect(parseEstimate('2h - 3h')).toMatchObject({low: 2 * 3_600_000, high: 3 * 3_600_000});
  });

  it('reads a bare number as minutes', () => {
    expect(parseEstimate(45)).toMatchObject({low: 45 * 60_000, high: 45 * 60_000});
  });

  it.each(['', 'soon', '3 bananas', '15', '8-4h', '-5m', 'h'])('refuses %j', (text) => {
    expect(parseEstimate(text)).toBeUndefined();
  });

  it('refuses a negative or infinite number', () => {
    expect(parseEstimate(-1)).toBeUndefined();
    expect(parseEstimate(Infinity)).toBeUndefined();
  });
});

describe('parseDurationMs and formatDuration', () => {
  it('round-trips common durations', () => {
    expect(formatDuration(parseDurationMs('2h')!)).toBe('2h');
    expect(formatDuration(parseDurationMs('1h30m')!)).toBe('1h 30m');
    expect(formatDuration(parseDurationMs('45m')!)).toBe('45m');
    expect(formatDuration(1500)).toBe('1.5s');
  });
});
