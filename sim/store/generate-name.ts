// metadata.generateName: the prefix (at most 58 characters) plus 5 characters from
// apimachinery's util/rand alphabet (SimpleNameGenerator).
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string, random: () => number = Math.random): string {
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return base + suffix;
}
