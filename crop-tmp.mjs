import { chromium } from "playwright-core";
const [file, out, h, ...offs] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const p = await b.newPage({ viewport: { width: 360, height: Number(h) } });
await p.goto(`file://${file}`);
for (const o of offs) await p.screenshot({ path: `${out}-${o}.png`, clip: { x: 0, y: Number(o), width: 360, height: 760 } });
await b.close();
