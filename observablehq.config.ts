// Observable Framework configuration. Everything here keeps the site offline-safe: no Google Fonts
// (globalStylesheets), no observablehq.com footer, our own style sheet that also loads Inputs' CSS.
// Which pair reports exist comes from loaders/config.ts (PAIRBOOK_* variables; default: every pair of
// the symbols in the lake), read once when Framework loads this file.
import {coverage, notebookConfig, pairSlug} from "./loaders/config.js";
import {marketSymbolSlug, parseMarketSymbol} from "./src/protocol/symbol.js";
import {researchPages} from "./scripts/researchPages.js";

const {pairs, symbols} = await coverage(notebookConfig(process.env));
const paths = pairs.map((pair) => `/pairs/${pairSlug(pair)}`);
// One symbol page per covered symbol: /symbols/BTCUSDT, /symbols/usdm_BTCUSDT for a USD-M perpetual.
const symbolPaths = symbols.map((s) => `/symbols/${marketSymbolSlug(parseMarketSymbol(s))}`);
const research = researchPages();

export default {
  title: "pairbook",
  root: "src",
  // PAIRBOOK_DIST: another output folder (the notebook bench builds its one-day lake there).
  output: process.env.PAIRBOOK_DIST ?? "dist",
  style: "style.css",
  globalStylesheets: [],
  footer: "",
  search: false,
  linkify: false,
  typographer: false,
  pages: [
    {name: "Overview", path: "/"},
    {
      name: "Pair reports",
      collapsible: true,
      open: true,
      pages: pairs.map((pair, i) => ({name: `${pair[0]} / ${pair[1]}`, path: paths[i]})),
    },
    {
      name: "Symbols",
      collapsible: true,
      open: false,
      pages: symbols.map((s, i) => ({name: s, path: symbolPaths[i]})),
    },
    {name: "Cointegration map", path: "/coint"},
    {name: "Backtest lab", path: "/lab"},
    // Every src/research/*.md, by its title: adding a research page is dropping a file there.
    ...(research.length ? [{name: "Research", collapsible: true, open: true, pages: research}] : []),
    {name: "Data", path: "/data"},
    {name: "Alerts", path: "/alerts"},
    {name: "System", path: "/system"},
  ],
  dynamicPaths: [...paths, ...symbolPaths],
  pager: false,
  // Links end in .html (/pairs/A-B.html), so the site works on any static server, URL rewriting or not.
  preserveExtension: true,
  head: `<link rel="icon" href="data:,"><meta name="pairbook-live-url" content="${notebookConfig(process.env).liveUrl.replace(/[&"<]/g, (c) => `&#${c.charCodeAt(0)};`)}"><script type="module" src="/components/alerts/toaster.js"></script>`,
};
