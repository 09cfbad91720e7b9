/**
 * British and American spellings of one word, made one: a person asks for "colourful" logs or how to
 * "initialise" a client, and documentation says "colorize" and "initialize". Snowball stems each
 * spelling on its own (colour ≠ color), so the variants are folded to the American form first, the
 * same way on both sides of the index. Only regular, well-known families are folded, each by its
 * roots, so no two different words are ever made one ("hour" and "four" keep their -our).
 */
const RULES: readonly [RegExp, string][] = [
  // colour, behaviour, favourite, honour, labour, neighbour, humour, flavour, armour, endeavour …
  [/^(behavi|col|fav|flav|harb|hon|hum|lab|neighb|od|parl|rig|rum|sav|splend|vap|vig|arm|endeav|clam|glam|tum|ferv)our/, '$1or'],
  // initialise, serialised, organising, normalisation, analyse, paralysed …
  [/(?<=\p{L}{2})(i|y)s(e|es|ed|ing|er|ers|ation|ations|able)$/u, '$1z$2'],
  // centre, metres, fibre, theatre, litre, calibre …
  [/^(cent|met|lit|theat|spect|lust|scept|fib|somb|calib|mit)re(s|d)?$/, '$1er$2'],
  // catalogue, dialogues, analogue …
  [/^(catal|dial|anal|monol|prol|epil)ogue(s)?$/, '$1og$2'],
  // licence, defence, offence, pretence
  [/^(licen|defen|offen|preten)c(e|es|ed|ing)$/, '$1s$2'],
  [/^programme(s)?$/, 'program$1'],
];

/** The American spelling of a lower-case English word, or the word itself. */
export function americanSpelling(word: string): string {
  let result = word;
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  return result;
}
