// snowball-stemmers ships no types; this declares the part the offline search uses.
declare module 'snowball-stemmers' {
  export interface Stemmer {
    /** The stem of one lower-case word. */
    stem(word: string): string;
  }
  /** A stemmer for a language Snowball knows ('english' is Porter2). Throws for an unknown one. */
  export function newStemmer(language: string): Stemmer;
  export function algorithms(): string[];
}
