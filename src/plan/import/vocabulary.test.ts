import {describe, expect, it} from 'vitest';
import {cleanTitle, fieldOfLabel, isNoneWord, parseDone, parseEstimateText, parseLevel, parsePriority, repairMojibake} from './vocabulary.js';

describe('vocabulary', () => {
  it('repairs emoji garbled as Windows-1252 and as Mac Roman', () => {
    expect(repairMojibake('ðŸ”´ CRITICAL')).toBe('🔴 CRITICAL');
    expect(repairMojibake('\uF8FFüöÄ Parallel')).toBe('🚀 Parallel');
    expect(repairMojibake('für Ärger')).toBe('für Ärger');
  });

  it('reads priorities from emoji, codes and words in several languages', () => {
    expect(['ðŸ”´ CRITICAL', 'ðŸŸ\u00a0 HIGH', '🟡', '🟢 low', 'P0', 'p2', 'Hoch', 'laag', '高', 'Urgent'].map(parsePriority)).toEqual([
      'critical', 'high', 'medium', 'low', 'critical', 'medium', 'high', 'low', 'high', 'critical',
    ]);
  });

  it('reads levels, statuses and none words', () => {
    expect(['H', 'M', 'L', 'hoog', 'niedrig', '中'].map(parseLevel)).toEqual(['high', 'medium', 'low', 'high', 'low', 'medium']);
    expect(['✅', 'Done', 'DONE', 'afgerond', 'completed', 'erledigt', 'not done', 'In progress', 'whatever'].map(parseDone)).toEqual([true, true, true, true, true, true, false, false, undefined]);
    expect(['None', 'N/A', '-', '—', '无', 'geen', 'keine', 'aucune', 'ninguna', 'T1'].map(isNoneWord)).toEqual([true, true, true, true, true, true, true, true, true, false]);
  });

  it('reads estimates, story points and day hints', () => {
    expect(parseEstimateText('15 minutes')).toEqual({kind: 'estimate', value: '15 minutes'});
    expect(parseEstimateText('2h')).toEqual({kind: 'estimate', value: '2h'});
    expect(parseEstimateText('1-2 days')).toEqual({kind: 'estimate', value: '1-2 days'});
    expect(parseEstimateText('3 uur')).toEqual({kind: 'estimate', value: '3 hours'});
    expect(parseEstimateText('3 SP')).toEqual({kind: 'story-points', points: 3});
    expect(parseEstimateText('(Day 1-2)')).toEqual({kind: 'day-span', days: 2, text: 'Day 1-2'});
  });

  it('maps labels in several languages to fields', () => {
    expect(['Depends on', 'Afhankelijkheden', 'Abhängigkeiten', 'Dépendances', 'Dependencias', '依赖', 'Prerequisites', 'Blocked by', 'Blocks'].map(fieldOfLabel)).toEqual([
      'needs', 'needs', 'needs', 'needs', 'needs', 'needs', 'needs', 'needs', 'blocks',
    ]);
    expect(fieldOfLabel('Estimated Time')).toBe('estimate');
    expect(fieldOfLabel('Favourite colour')).toBeUndefined();
  });

  it('drops emoji and mojibake from titles and notices done marks', () => {
    expect(cleanTitle('ðŸ“¦ Batch 0: Critical Path (SEQUENTIAL)')).toEqual({title: 'Batch 0: Critical Path (SEQUENTIAL)', doneMark: false});
    expect(cleanTitle('Batch 1 – RaC 2.0 Foundation ✅')).toEqual({title: 'Batch 1 – RaC 2.0 Foundation', doneMark: true});
  });
});
