// Binance public-archive import (data.binance.vision): trades → ticks/, aggTrades → aggtrades/.
export {type ArchiveKind, type ArchiveName, dailyArchiveName, dailyArchiveUrl, dateRange, parseArchiveName} from "./archiveName.js";
export {ChecksumMismatch, expectedChecksum, parseChecksum, sha256File, verifyChecksum} from "./checksum.js";
export {type CsvShape, csvShape, type TimeUnit} from "./csvShape.js";
export {aggTrades, type Dataset, datasetFiles, datasetOf, ticks} from "./datasets.js";
export {download, DownloadError, type DownloadOptions} from "./download.js";
export {ArchiveFileError} from "./errors.js";
export {type ImportCounts, importCsv, loadCsv, type LoadedCsv, publishLoaded} from "./importCsv.js";
export {
  defaultJobs,
  type ImportEvent,
  importFiles,
  type ImportJob,
  type ImportOptions,
  importRange,
  type ImportSummary,
  resolveJob,
} from "./importArchives.js";
export {extractCsv, zipEntries} from "./zip.js";
