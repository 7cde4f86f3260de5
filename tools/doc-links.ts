// What a reader of the docs is told to open or to type must exist: every relative link of README.md,
// README.ja.md, docs/**/*.md and the parts' READMEs (bench/, infra/, emulation/**; docFiles) resolves
// to a file or folder of the repository, and
// every `make <verb>` they show in code (inline code or a code block) is a verb `make help` lists.
// Markdown is read with marked's lexer, so a link inside code is not a link and code inside a link
// text is still code. Prose is not searched for verbs ("make sure" is English); anchors (#part) and
// external links (http:, mailto:) are not followed.
//   npx tsx tools/doc-links.ts   (exit 1 on findings; make lint runs it)
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { marked, type Token } from 'marked';

export interface DocFinding {
  file: string;
  message: string;
}

interface Found {
  links: string[];
  code: string[];
}

/** Every link and image target, and every piece of code, of one markdown text. */
function collect(tokens: readonly Token[], found: Found = { links: [], code: [] }): Found {
  for (const token of tokens) {
    if (token.type === 'link' || token.type === 'image') found.links.push(token.href);
    if (token.type === 'codespan' || token.type === 'code') found.code.push(token.text);
    // Nested tokens: a paragraph's inline tokens, a list's items, a table's cells.
    const nested: Token[] = [];
    if ('tokens' in token && Array.isArray(token.tokens)) nested.push(...token.tokens);
    if (token.type === 'list') for (const item of token.items) nested.push(item);
    if (token.type === 'table') {
      for (const cell of token.header) nested.push(...cell.tokens);
      for (const row of token.rows) for (const cell of row) nested.push(...cell.tokens);
    }
    collect(nested, found);
  }
  return found;
}

/** A link that leaves the repository (a scheme) or stays on the page (#anchor). */
const external = (href: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href === '';

/**
 * The verbs a piece of code asks make for: `make up`, `make -j3 test`, `make token CUSTOMER=x`,
 * `$(make token)`, `make -C dir verb` (the -C folder is skipped, not checked).
 */
export function makeVerbs(code: string): string[] {
  const verbs: string[] = [];
  for (const match of code.matchAll(/(?:^|[\s;&|(`$])make((?:[ \t]+[^\s;&|)`]+)*)/gm)) {
    const words = (match[1] ?? '')
      .trim()
      .split(/[ \t]+/)
      .filter(Boolean);
    for (let i = 0; i < words.length; i += 1) {
      const word = words[i] ?? '';
      if (word === '-C' || word === '-f') i += 1;
      else if (word.startsWith('-') || word.includes('=')) continue;
      else if (/^[a-z][a-z0-9-]*$/.test(word)) verbs.push(word);
      else break; // a redirect, a quote, a comment: the command's words end here
    }
  }
  return verbs;
}

/** The findings of one markdown file: links that resolve to nothing, verbs make help does not list. */
export function checkDoc(
  file: string,
  markdown: string,
  verbs: ReadonlySet<string>,
  exists: (path: string) => boolean,
): DocFinding[] {
  const { links, code } = collect(marked.lexer(markdown));
  const findings: DocFinding[] = [];
  for (const href of links) {
    if (external(href)) continue;
    const path = decodeURIComponent(href.replace(/[#?].*$/, ''));
    const target = (path.startsWith('/') ? path.slice(1) : join(dirname(file), path)).replace(/(.)\/$/, '$1');
    if (!exists(target)) findings.push({ file, message: `link ${href}: ${target} does not exist` });
  }
  for (const verb of new Set(code.flatMap(makeVerbs)))
    if (!verbs.has(verb)) findings.push({ file, message: `make ${verb}: not a verb of make help` });
  return findings;
}

/** The verbs of `make help`'s lines ("  make up   Start the emulator…"). */
export const helpVerbs = (help: string): Set<string> =>
  new Set([...help.matchAll(/^\s*make\s+([a-z0-9-]+)\s/gm)].map((m) => m[1] ?? ''));

/**
 * The docs a reader is sent to, relative to root, those that exist: README.md and README.ja.md, every
 * .md file under docs/, and the READMEs of the parts (bench/, infra/, and every README.md under
 * emulation/, the kit's and its runtime's).
 */
export function docFiles(root: string): string[] {
  const files = ['README.md', 'README.ja.md', 'bench/README.md', 'infra/README.md'].filter((f) =>
    existsSync(join(root, f)),
  );
  const walk = (dir: string, wanted: (name: string) => boolean): void => {
    if (!existsSync(join(root, dir))) return;
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, wanted);
      else if (wanted(entry.name)) files.push(path);
    }
  };
  walk('docs', (name) => name.endsWith('.md'));
  walk('emulation', (name) => name === 'README.md');
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = resolve(import.meta.dirname, '..');
  const help = execFileSync('make', ['--no-print-directory', '-C', root, 'help'], { encoding: 'utf8' });
  const verbs = helpVerbs(help);
  const exists = (path: string): boolean => existsSync(join(root, path));
  const files = docFiles(root);
  const findings = files.flatMap((file) => checkDoc(file, readFileSync(join(root, file), 'utf8'), verbs, exists));
  for (const finding of findings) console.log(`${relative(root, join(root, finding.file))}: ${finding.message}`);
  console.log(
    `doc-links: ${files.length} file(s), ${verbs.size} make verbs; ${findings.length === 0 ? 'every link resolves and every verb exists' : `${findings.length} finding(s)`}`,
  );
  process.exitCode = findings.length === 0 ? 0 : 1;
}
