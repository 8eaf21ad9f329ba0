#!/usr/bin/env node
// The `pairbook` executable: registers tsx so the TypeScript sources run as they are, then hands over.
import {register} from "tsx/esm/api";

register();
const {main} = await import("./main.js");
process.exitCode = await main(process.argv.slice(2));
