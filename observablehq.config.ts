// Observable Framework configuration. Everything here keeps the site offline-safe: no Google Fonts
// (globalStylesheets), no observablehq.com footer, our own style sheet that also loads Inputs' CSS.
export default {
  title: "pairbook",
  root: "src",
  output: "dist",
  style: "style.css",
  globalStylesheets: [],
  footer: "",
  search: false,
  linkify: false,
  typographer: false,
  pages: [{name: "Pair", path: "/"}],
  pager: false,
  head: `<link rel="icon" href="data:,">`
};
