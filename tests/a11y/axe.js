// Runs axe-core in headless Chromium on each XHTML/HTML file given, and prints one JSON line per
// file and view: {"file", "width", "scheme", "violations": [{"id", "impact", "help", "nodes": [target…]}]}.
// Usage: node axe.js CHROMIUM [--web] FILE… (the packages axe-core and puppeteer-core resolved
// through NODE_PATH; scripts/test.sh installs them). Without --web the files are EPUB content
// documents (Ace's settings); with --web they are pages of a web site: every rule, light and dark,
// and at 320 px with 200 % text nothing may overflow sideways (WCAG 1.4.10 reflow).
const puppeteer = require('puppeteer-core');
const fs = require('fs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

(async () => {
  let [chromium, ...files] = process.argv.slice(2);
  const web = files[0] === '--web';
  if (web) files = files.slice(1);
  const views = web
    ? [{ width: 320, scheme: 'light', zoom: true }, { width: 390, scheme: 'dark' }, { width: 1024, scheme: 'light' }, { width: 1024, scheme: 'dark' }]
    : [{ width: 320, scheme: 'light', zoom: true }, { width: 390, scheme: 'light' }, { width: 1024, scheme: 'light' }];
  // As DAISY's Ace does for EPUB content documents: each file is one part of a publication whose
  // navigation is the reading system's, not a web page of its own.
  const epubRules = { 'landmark-one-main': { enabled: false }, 'page-has-heading-one': { enabled: false }, region: { enabled: false }, bypass: { enabled: false } };
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
  try {
    for (const file of files) {
      const page = await browser.newPage();
      for (const { width, scheme, zoom } of views) {
        await page.setViewport({ width, height: 900 });
        await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
        await page.goto('file://' + file, { waitUntil: 'load' });
        await page.evaluate(axeSource);
        const result = await page.evaluate(async rules =>
          // WCAG 2.x A and AA (2.0, 2.1, 2.2) and axe's best practices.
          await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
            rules,
          }), web ? {} : epubRules
        );
        if (zoom) {
          // 200 % text at 320 CSS px: the page may scroll down, never sideways.
          const over = await page.evaluate(() => {
            document.documentElement.style.fontSize = '200%';
            const limit = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > limit + 1 && !e.closest('pre, table'))
              .slice(0, 5)
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
          });
          if (over.length) result.violations.push({ id: 'reflow', impact: 'serious', help: 'content wider than 320 px at 200 % text', nodes: over.map(t => ({ target: [t] })) });
        }
        // One known false positive is set aside, node by node: axe's aria-prohibited-attr resolves
        // `doc-*` roles only when asked to (getExplicitRole without `dpub`), so it reads a page-break
        // marker `<span role="doc-pagebreak" aria-label="5">` as a role-less span. DPUB-ARIA 1.1
        // requires doc-pagebreak to have a name from its author, and its example uses aria-label
        // (as DAISY's Ace and Knowledge Base recommend).
        const pagebreak = sel => /^#page-[A-Za-z0-9-]+$/.test(sel);
        const violations = result.violations
          .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }))
          .map(v => (v.id === 'aria-prohibited-attr' ? { ...v, nodes: v.nodes.filter(n => !pagebreak(n)) } : v))
          .filter(v => v.nodes.length > 0);
        console.log(JSON.stringify({ file, width, scheme, violations }));
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(2); });
