// Data loader: the configured pair's aligned closes from the lake (see loaders/config.ts for the
// PAIRBOOK_* environment variables), as an Arrow IPC stream.
import {notebookConfig} from "../../loaders/config.js";
import {pairSnapshot} from "../../loaders/pairSnapshot.js";

process.stdout.write(await pairSnapshot(notebookConfig(process.env)));
