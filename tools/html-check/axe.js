// Run axe-core (WCAG 2.0–2.2 A and AA rules) on an HTML file inside jsdom, offline.
// Usage: node axe.js FILE.html  →  prints {"violations": [...], "passes": N, "incomplete": [...]}
"use strict";
const fs = require("fs");
const { JSDOM, VirtualConsole } = require("jsdom");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

async function main() {
  const html = fs.readFileSync(process.argv[2], "utf8");
  // jsdom has no canvas: axe then leaves colour contrast "incomplete" (the tests check the
  // page's colours themselves); its complaint about the missing canvas is not news.
  const quiet = new VirtualConsole();
  const dom = new JSDOM(html, { runScripts: "outside-only", pretendToBeVisual: true,
    virtualConsole: quiet });
  dom.window.eval(axeSource);
  const results = await dom.window.axe.run(dom.window.document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    resultTypes: ["violations", "incomplete"],
  });
  const brief = (r) => ({ id: r.id, impact: r.impact, help: r.help,
    nodes: r.nodes.slice(0, 5).map((n) => n.target.join(" ")) });
  process.stdout.write(JSON.stringify({
    violations: results.violations.map(brief),
    passes: results.passes.length,
    incomplete: results.incomplete.map((r) => r.id),
  }));
}
main().catch((e) => { console.error(e); process.exit(2); });
