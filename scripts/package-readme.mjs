// The README as the extension's package carries it (package.json "vsce.readmePath", written by
// esbuild.mjs): the same text with each embedded picture replaced by a line naming it. Marketplaces
// (Open VSX) render the packaged README with no repository to fetch images from, so the repository's
// README may embed pictures and the package's does not.
const IMAGE = /^!\[([^\]]*)\]\(([^)\s]+)\)\s*$/;

export function packageReadme(text) {
  return text
    .split('\n')
    .map((line) => {
      const m = IMAGE.exec(line);
      if (!m) {
        if (/!\[[^\]]*\]\(|<img\b/i.test(line)) throw new Error(`README.md: put a picture on a line of its own: ${line}`);
        return line;
      }
      return `(Picture in the repository: \`${m[2]}\` — ${m[1]}.)`;
    })
    .join('\n');
}
