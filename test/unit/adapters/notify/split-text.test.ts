// takeHead / splitText: how Telegram and Discord texts are cut. Parts fit, keep their order, are
// cut at line breaks where one fits, and never split a surrogate pair.
import fc from 'fast-check';
import { splitText, takeHead } from '../../../../shared/adapters/notify/telegram-channel';

test('a text that fits is returned whole, untouched', () => {
  expect(takeHead('a\nb\n', 10)).toEqual(['a\nb\n', '']);
  expect(splitText('  padded  ', 10)).toEqual(['  padded  ']);
});

test('the cut is at the last line break that fits; the break is dropped', () => {
  expect(takeHead('aaa\nbbb\nccc', 8)).toEqual(['aaa\nbbb', 'ccc']);
  expect(splitText('aaa\nbbb\nccc', 8)).toEqual(['aaa\nbbb', 'ccc']);
});

test('blank lines at a cut are dropped and blank parts left out', () => {
  expect(splitText('aaa\n\n\n\nbbb', 5)).toEqual(['aaa', 'bbb']);
  expect(splitText('\n\n\n\n\n\n', 3)).toEqual([]);
  expect(splitText('', 10)).toEqual([]);
});

test('a line longer than the limit is cut at a space in its second half, else hard', () => {
  expect(splitText('alpha beta gamma', 12)).toEqual(['alpha beta', 'gamma']);
  expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
});

test('a hard cut never splits a surrogate pair', () => {
  const text = 'abcd' + '😀'.repeat(6);
  const parts = splitText(text, 5);
  expect(parts.join('')).toBe(text);
  for (const part of parts) {
    expect(part.length).toBeLessThanOrEqual(5);
    expect(part).not.toMatch(/[\ud800-\udbff]$/);
    expect(part).not.toMatch(/^[\udc00-\udfff]/);
  }
});

test('property: every part fits and is not blank, for any text and limit', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', '😀', 'é'), maxLength: 400 }),
      fc.integer({ min: 2, max: 60 }),
      (text, max) => {
        for (const part of splitText(text, max)) {
          expect(part.length).toBeLessThanOrEqual(max);
          expect(part.trim()).not.toBe('');
        }
      },
    ),
  );
});

test('property: lines that each fit come back whole and in order (joined by line breaks)', () => {
  const line = fc.string({ unit: fc.constantFrom('a', 'b', '_', '*', '1'), minLength: 1, maxLength: 30 });
  fc.assert(
    fc.property(fc.array(line, { minLength: 1, maxLength: 60 }), fc.integer({ min: 30, max: 200 }), (lines, max) => {
      const text = lines.join('\n');
      const parts = splitText(text, max);
      expect(parts.join('\n')).toBe(text);
      expect(parts.every((p) => p.length <= max)).toBe(true);
    }),
  );
});
