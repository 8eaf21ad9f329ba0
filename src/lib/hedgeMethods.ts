// The hedge methods hedgeRatio fits, in the order the pages, the CLI and alert rules offer them. A module
// of its own so the Alerts page and the rule checks get the list without the estimators.

export const hedgeMethods = ["ols", "kalman", "huber", "theil-sen", "tls", "ransac"] as const;
export type HedgeMethod = (typeof hedgeMethods)[number];
