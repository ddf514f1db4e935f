// The `linebreak` package (UAX #14) ships no types; this is the part Briefing uses.
declare module 'linebreak' {
  interface Break {
    /** Offset in UTF-16 units where the next line would start. */
    position: number;
    /** A mandatory break (after a newline). */
    required: boolean;
  }
  export default class LineBreaker {
    constructor(text: string);
    nextBreak(): Break | null;
  }
}
