// Opens a page served by `quire serve` in headless Chromium, then appends a sentence to a
// manuscript file and waits for the page to reload by itself and show it.
// Usage: node reload.js CHROMIUM URL FILE SENTENCE (puppeteer-core resolved through NODE_PATH).
const puppeteer = require('puppeteer-core');
const fs = require('fs');

(async () => {
  const [chromium, url, file, sentence] = process.argv.slice(2);
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const before = await page.evaluate(() => document.body.innerText);
    if (before.includes(sentence)) throw new Error('the sentence is there before the edit');
    // Mark this document: a reload replaces it, and the mark goes with it.
    await page.evaluate(() => { window.__quireMark = 1; });
    const reloaded = page.waitForNavigation({ timeout: 20000, waitUntil: 'load' });
    fs.appendFileSync(file, '\n' + sentence + '\n');
    await reloaded;
    const mark = await page.evaluate(() => window.__quireMark);
    const after = await page.evaluate(() => document.body.innerText);
    console.log(JSON.stringify({ reloaded: mark === undefined, shows: after.includes(sentence) }));
  } finally {
    await browser.close();
  }
})().catch(e => { console.error(String(e && e.stack || e)); process.exit(2); });
