import { describe, expect, it } from 'vitest';
import { colorOn, paint } from '../src/cli/style.js';

describe('colour on a terminal', () => {
  const tty = { isTTY: true } as NodeJS.WriteStream;
  const pipe = { isTTY: false } as NodeJS.WriteStream;

  it('is on for a terminal, off for a pipe, off with NO_COLOR, forced by FORCE_COLOR', () => {
    expect(colorOn(tty, {})).toBe(true);
    expect(colorOn(pipe, {})).toBe(false);
    expect(colorOn(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorOn(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorOn(tty, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('colours the severity and the note and hint labels, and nothing else', () => {
    const text = 'd.yaml:3:1: error[data:syntax]: bad\n  note: x.hbs:1:1: here\n  hint: fix it';
    const out = paint(text, true);
    expect(out.replaceAll(/\u001b\[[0-9;]*m/g, '')).toBe(text); // eslint-disable-line no-control-regex
    expect(out).toContain('\u001b[1;31merror[data:syntax]\u001b[0m');
    expect(out).toContain('\u001b[36mhint:\u001b[0m');
    expect(paint('warning[layout:overflow]: x', true)).toContain('\u001b[1;33mwarning');
    expect(paint(text, false)).toBe(text);
  });
});
